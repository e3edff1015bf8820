import { Construct } from 'constructs';
import { S3Backend, LocalBackend, TerraformBackend, TerraformOutput, TerraformStack, TerraformVariable } from 'cdktf';
import { AwsProvider, AwsProviderConfig } from '@cdktf/provider-aws/lib/provider';
import { DataAwsPartition } from '@cdktf/provider-aws/lib/data-aws-partition';
import { RootwatchConfig } from '../core/config';
import { regionId } from '../core/regions';

/**
 * `deploy`: a root configuration for `cdktf deploy` (providers, backend, variables with defaults).
 * `module`: a reusable plain-Terraform module (no provider blocks, no backend, no defaults for the
 * identity variables; provider aliases declared as configuration_aliases).
 */
export type StackMode = 'deploy' | 'module';

/** Generated modules accept any aws provider from the one we validate with up to the next major. */
export const AWS_PROVIDER_RANGE = '>= 5.100.0, < 7.0.0';

/**
 * Base of every rootwatch stack: the same constructs synthesize into a deploy stack or a module;
 * only providers, backend and variable defaults differ.
 */
export abstract class RootwatchStack extends TerraformStack {
  private readonly aliases: string[] = [];
  private partitionData?: DataAwsPartition;

  protected constructor(scope: Construct, id: string, readonly mode: StackMode, protected readonly config: RootwatchConfig) {
    super(scope, id);
  }

  /** `aws` (or the partition of the provider in use), offline-safe. */
  protected get partition(): string {
    this.partitionData ??= new DataAwsPartition(this, 'partition');
    return this.partitionData.partition;
  }

  /**
   * A provider per region: the first is also the default provider. In module mode they are only
   * declared (configuration_aliases) and the caller passes them in.
   */
  protected regionProviders(regions: readonly string[], base: Omit<AwsProviderConfig, 'region' | 'alias'>): Map<string, AwsProvider> {
    const providers = new Map<string, AwsProvider>();
    const withTags = Object.keys(this.config.tags).length > 0 ? { defaultTags: [{ tags: this.config.tags }] } : {};
    new AwsProvider(this, 'aws', { ...base, ...withTags, region: regions[0] });
    for (const region of regions) {
      const alias = regionId(region);
      providers.set(region, new AwsProvider(this, `aws-${alias}`, { ...base, ...withTags, region, alias }));
      this.aliases.push(alias);
    }
    return providers;
  }

  /**
   * Providers of a second account, one per region, aliased `<name>_<region>` (declared as
   * configuration_aliases in module mode like the region providers).
   */
  protected accountProviders(name: string, regions: readonly string[], base: Omit<AwsProviderConfig, 'region' | 'alias'>): Map<string, AwsProvider> {
    const providers = new Map<string, AwsProvider>();
    const withTags = Object.keys(this.config.tags).length > 0 ? { defaultTags: [{ tags: this.config.tags }] } : {};
    for (const region of regions) {
      const alias = `${name}_${regionId(region)}`;
      providers.set(region, new AwsProvider(this, `aws-${alias}`, { ...base, ...withTags, region, alias }));
      this.aliases.push(alias);
    }
    return providers;
  }

  /** A variable users type by name: the logical id is exactly `name`. */
  protected variable(name: string, spec: { description: string; default?: string | null; nullable?: boolean; sensitive?: boolean; validation: { condition: string; errorMessage: string } }): TerraformVariable {
    const v = new TerraformVariable(this, name, {
      type: 'string',
      description: spec.description,
      nullable: spec.nullable ?? false,
      ...(this.mode === 'deploy' && typeof spec.default === 'string' ? { default: spec.default } : {}),
      ...(spec.sensitive ? { sensitive: true } : {}),
      validation: [spec.validation],
    });
    v.overrideLogicalId(name);
    if (this.mode === 'deploy' && spec.default === null) v.addOverride('default', null);
    return v;
  }

  protected output(name: string, value: unknown, description: string): void {
    const o = new TerraformOutput(this, name, { value, description });
    o.overrideLogicalId(name);
  }

  /** Outputs of an account's CIS CloudWatch.1 alarm, when it has one. */
  protected cisOutputs(cis: { readonly alarmArn: string; readonly topicArn: string } | undefined): void {
    if (!cis) return;
    this.output('cis_alarm_arn', cis.alarmArn, 'ARN of the CIS CloudWatch.1 root-usage alarm.');
    this.output('cis_topic_arn', cis.topicArn, 'SNS topic of the CIS alarm: subscribe someone (Security Hub CloudWatch.1 wants a subscriber).');
  }

  protected backend(stackName: string): void {
    if (this.mode === 'module') return;
    const b = this.config.backend;
    if (b.type === 's3') {
      const backend = new S3Backend(this, {
        bucket: b.bucket,
        key: `${b.keyPrefix}/${stackName}.tfstate`,
        region: b.region,
        encrypt: true,
        ...(b.kmsKeyId ? { kmsKeyId: b.kmsKeyId } : {}),
      });
      backend.addOverride('use_lockfile', true);
    } else {
      // Relative to the stack's folder <out>/stacks/<name>: beside the output folder, like cdktf's own
      // default, because every synth replaces the output folder and would delete state kept inside it.
      new LocalBackend(this, { path: `../../../terraform.${stackName}.tfstate` });
    }
  }

  ensureBackendExists(): TerraformBackend {
    // A module has no backend: its caller's state holds it.
    return this.mode === 'module' ? (undefined as unknown as TerraformBackend) : super.ensureBackendExists();
  }

  toTerraform(): any {
    const tf = super.toTerraform();
    const aws = tf.terraform?.required_providers?.aws;
    if (aws) {
      aws.source = 'hashicorp/aws';
      aws.version = AWS_PROVIDER_RANGE;
    }
    if (this.mode === 'module') {
      delete tf.provider;
      delete tf.terraform.backend;
      delete tf['//'];
      if (aws && this.aliases.length > 0) aws.configuration_aliases = this.aliases.map((a) => `aws.${a}`);
    }
    return tf;
  }
}

/**
 * Provider settings that pin an account: Terraform refuses to touch any other account, and assumes
 * the role when one is given (`sessionName` shows up as rootwatch in the account's CloudTrail).
 */
export function providerAuth(
  accountId: string,
  target: { readonly assumeRoleArn?: string; readonly externalId?: string },
): Pick<AwsProviderConfig, 'allowedAccountIds' | 'assumeRole'> {
  return {
    allowedAccountIds: [accountId],
    ...(target.assumeRoleArn
      ? { assumeRole: [{ roleArn: target.assumeRoleArn, sessionName: 'rootwatch', ...(target.externalId ? { externalId: target.externalId } : {}) }] }
      : {}),
  };
}

/** Terraform conditions shared by the identity variables. */
export const ACCOUNT_ID_VALIDATION = (name: string) => ({
  condition: `\${can(regex("^[0-9]{12}$", var.${name}))}`,
  errorMessage: `${name} must be a 12-digit AWS account ID.`,
});
