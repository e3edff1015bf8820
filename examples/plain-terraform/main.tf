# Plain Terraform, no node: the generated modules consumed from their relative paths.
# Hub account: ambient credentials. Spoke account: a role assumed with an external ID.
# `terraform init && terraform plan` from this folder (after `npm run synth`, or from a release).

terraform {
  required_version = ">= 1.5.0"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100.0, < 7.0.0"
    }
  }
}

variable "hub_account_id" {
  type        = string
  description = "AWS account ID of the hub (security) account."
  default     = "111111111111"
  validation {
    condition     = can(regex("^[0-9]{12}$", var.hub_account_id))
    error_message = "hub_account_id must be a 12-digit AWS account ID."
  }
}

variable "spoke_account_id" {
  type        = string
  description = "AWS account ID of the monitored (spoke) account."
  default     = "222222222222"
  validation {
    condition     = can(regex("^[0-9]{12}$", var.spoke_account_id))
    error_message = "spoke_account_id must be a 12-digit AWS account ID."
  }
}

variable "spoke_account_assume_role_arn" {
  type        = string
  description = "Role in the spoke account that Terraform assumes."
  default     = "arn:aws:iam::222222222222:role/rootwatch-deployer"
  validation {
    condition     = can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.spoke_account_assume_role_arn))
    error_message = "spoke_account_assume_role_arn must be an IAM role ARN."
  }
}

variable "management_account_id" {
  type        = string
  description = "AWS account ID of the organization management account (guardrails)."
  default     = "444444444444"
  validation {
    condition     = can(regex("^[0-9]{12}$", var.management_account_id))
    error_message = "management_account_id must be a 12-digit AWS account ID."
  }
}

variable "spoke_account_external_id" {
  type        = string
  description = "External ID the spoke role requires (null: none)."
  default     = null
  sensitive   = true
}

# ---- management account: organization guardrails (SCPs, centralized root access, ...) and its own
# monitoring (no SCP restricts its root): one provider per monitored region ----
provider "aws" {
  alias               = "management"
  region              = "us-east-1"
  allowed_account_ids = [var.management_account_id]
}

provider "aws" {
  alias               = "management_us_east_2"
  region              = "us-east-2"
  allowed_account_ids = [var.management_account_id]
}

provider "aws" {
  alias               = "management_us_west_2"
  region              = "us-west-2"
  allowed_account_ids = [var.management_account_id]
}

provider "aws" {
  alias               = "management_eu_west_1"
  region              = "eu-west-1"
  allowed_account_ids = [var.management_account_id]
}

provider "aws" {
  alias               = "management_eu_central_1"
  region              = "eu-central-1"
  allowed_account_ids = [var.management_account_id]
}

# ---- hub account: its home region (eu-west-1) plus one provider per monitored region ----
provider "aws" {
  alias               = "hub"
  region              = "eu-west-1"
  allowed_account_ids = [var.hub_account_id]
}

provider "aws" {
  alias               = "hub_us_east_1"
  region              = "us-east-1"
  allowed_account_ids = [var.hub_account_id]
}

provider "aws" {
  alias               = "hub_us_east_2"
  region              = "us-east-2"
  allowed_account_ids = [var.hub_account_id]
}

provider "aws" {
  alias               = "hub_us_west_2"
  region              = "us-west-2"
  allowed_account_ids = [var.hub_account_id]
}

provider "aws" {
  alias               = "hub_eu_west_1"
  region              = "eu-west-1"
  allowed_account_ids = [var.hub_account_id]
}

provider "aws" {
  alias               = "hub_eu_central_1"
  region              = "eu-central-1"
  allowed_account_ids = [var.hub_account_id]
}

# ---- spoke account: one provider per monitored region, through the assumed role ----

provider "aws" {
  alias               = "spoke_us_east_1"
  region              = "us-east-1"
  allowed_account_ids = [var.spoke_account_id]
  assume_role {
    role_arn     = var.spoke_account_assume_role_arn
    external_id  = var.spoke_account_external_id
    session_name = "rootwatch"
  }
}

provider "aws" {
  alias               = "spoke_us_east_2"
  region              = "us-east-2"
  allowed_account_ids = [var.spoke_account_id]
  assume_role {
    role_arn     = var.spoke_account_assume_role_arn
    external_id  = var.spoke_account_external_id
    session_name = "rootwatch"
  }
}

provider "aws" {
  alias               = "spoke_us_west_2"
  region              = "us-west-2"
  allowed_account_ids = [var.spoke_account_id]
  assume_role {
    role_arn     = var.spoke_account_assume_role_arn
    external_id  = var.spoke_account_external_id
    session_name = "rootwatch"
  }
}

provider "aws" {
  alias               = "spoke_eu_west_1"
  region              = "eu-west-1"
  allowed_account_ids = [var.spoke_account_id]
  assume_role {
    role_arn     = var.spoke_account_assume_role_arn
    external_id  = var.spoke_account_external_id
    session_name = "rootwatch"
  }
}

provider "aws" {
  alias               = "spoke_eu_central_1"
  region              = "eu-central-1"
  allowed_account_ids = [var.spoke_account_id]
  assume_role {
    role_arn     = var.spoke_account_assume_role_arn
    external_id  = var.spoke_account_external_id
    session_name = "rootwatch"
  }
}

module "hub" {
  source = "../../terraform-out/modules/hub"
  providers = {
    aws              = aws.hub
    aws.us_east_1    = aws.hub_us_east_1
    aws.us_east_2    = aws.hub_us_east_2
    aws.us_west_2    = aws.hub_us_west_2
    aws.eu_west_1    = aws.hub_eu_west_1
    aws.eu_central_1 = aws.hub_eu_central_1
  }
  hub_account_id = var.hub_account_id
}

module "spoke" {
  source = "../../terraform-out/modules/spoke"
  providers = {
    aws              = aws.spoke_us_east_1
    aws.us_east_1    = aws.spoke_us_east_1
    aws.us_east_2    = aws.spoke_us_east_2
    aws.us_west_2    = aws.spoke_us_west_2
    aws.eu_west_1    = aws.spoke_eu_west_1
    aws.eu_central_1 = aws.spoke_eu_central_1
  }
  hub_account_id   = var.hub_account_id
  spoke_account_id = var.spoke_account_id
}

module "guardrails" {
  source = "../../terraform-out/modules/guardrails"
  providers = {
    aws              = aws.management
    aws.us_east_1    = aws.management
    aws.us_east_2    = aws.management_us_east_2
    aws.us_west_2    = aws.management_us_west_2
    aws.eu_west_1    = aws.management_eu_west_1
    aws.eu_central_1 = aws.management_eu_central_1
  }
  management_account_id = var.management_account_id
  hub_account_id        = var.hub_account_id
}

output "login_topic_arn" {
  description = "Subscribe custom integrations to root sign-in alerts here."
  value       = module.hub.login_topic_arn
}

output "activity_topic_arn" {
  description = "Subscribe custom integrations to other root activity here."
  value       = module.hub.activity_topic_arn
}

output "spoke_rule_arns" {
  description = "Region -> forwarding rule in the spoke account."
  value       = module.spoke.rule_arns
}
