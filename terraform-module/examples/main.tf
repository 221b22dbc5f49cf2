# A root module that calls the module from this repository: `terraform init && terraform plan` here.
terraform {
  required_version = ">= 1.9"
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.0, < 7.0"
    }
  }
}

provider "aws" {
  region = "eu-west-1"
}

module "pinpoint_ses_sending_role" {
  source = "../"

  ses_identities     = ["example.com"]
  configuration_sets = ["marketing"]
  # Only these Pinpoint projects may use the role (confused-deputy protection).
  pinpoint_application_ids = ["0123456789abcdef0123456789abcdef"]
  tags                     = { team = "messaging" }
}

output "role_arn" {
  description = "ARN of the role: the orchestration sending role of the Pinpoint email channel."
  value       = module.pinpoint_ses_sending_role.role_arn
}

output "role_name" {
  description = "Name of the role."
  value       = module.pinpoint_ses_sending_role.role_name
}

output "role_unique_id" {
  description = "Stable unique id of the role (AROA...)."
  value       = module.pinpoint_ses_sending_role.role_unique_id
}

output "policy_name" {
  description = "Name of the role's inline permissions policy."
  value       = module.pinpoint_ses_sending_role.policy_name
}
