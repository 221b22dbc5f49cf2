# Written by `npm run export-module` from the PinpointSesSendingRole construct; do not edit.
terraform {
  required_version = ">= 1.9"

  required_providers {
    aws = { source = "hashicorp/aws", version = ">= 5.0" }
  }
}
