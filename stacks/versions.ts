/**
 * Versions every generated root and module declares. The aws range is what `npm run
 * validate:terraform` exercises (hashicorp/aws 5.100.0, the version @cdktf/provider-aws 20.1.0 binds):
 * 6.x changes attributes the modules use (e.g. `data.aws_region.name`), so it is not admitted untested.
 */
export const AWS_PROVIDER_RANGE = '>= 5.100.0, < 6.0.0';
/** `moved`, `import`, `check` blocks and preconditions: Terraform 1.5 or later. */
export const TERRAFORM_REQUIRED_VERSION = '>= 1.5.0';
