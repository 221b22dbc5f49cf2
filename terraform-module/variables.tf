# Written by `npm run export-module` from the PinpointSesSendingRole construct; do not edit.
variable "role_name" {
  description = "Exact name of the role: 1 to 64 of [A-Za-z0-9+=,.@_-]. Not with role_name_prefix. Changing it replaces the role."
  type        = string
  default     = null

  validation {
    condition     = var.role_name == null ? true : (length(var.role_name) >= 1 && length(var.role_name) <= 64 && can(regex("^[A-Za-z0-9+=,.@_-]+$", var.role_name)))
    error_message = "role_name \"${var.role_name == null ? "" : var.role_name}\" is ${length(var.role_name == null ? "" : var.role_name)} characters; IAM allows 1 to 64 of [A-Za-z0-9+=,.@_-]."
  }
}

variable "role_name_prefix" {
  description = "Prefix of a unique name that Terraform generates when role_name is null: 1 to 38 characters (Terraform appends 26). null means \"pinpoint-ses-sending-\"."
  type        = string
  default     = null

  validation {
    condition     = var.role_name_prefix == null ? true : (length(var.role_name_prefix) >= 1 && length(var.role_name_prefix) <= 38 && can(regex("^[A-Za-z0-9+=,.@_-]+$", var.role_name_prefix)))
    error_message = "role_name_prefix \"${var.role_name_prefix == null ? "" : var.role_name_prefix}\" is ${length(var.role_name_prefix == null ? "" : var.role_name_prefix)} characters; IAM allows 1 to 38 of [A-Za-z0-9+=,.@_-] (64 minus the 26-character suffix Terraform appends)."
  }

  validation {
    condition     = var.role_name == null || var.role_name_prefix == null
    error_message = "role_name \"${var.role_name == null ? "" : var.role_name}\" and role_name_prefix \"${var.role_name_prefix == null ? "" : var.role_name_prefix}\" are both set; give one or the other."
  }
}

variable "path" {
  description = "IAM path of the role: \"/\", or \"/\" + printable ASCII + \"/\", at most 512 characters."
  type        = string
  default     = "/"
  nullable    = false

  validation {
    condition     = length(var.path) <= 512 && can(regex("^\\/$|^\\/[\\x{0021}-\\x{007E}]+\\/$", var.path))
    error_message = "path \"${var.path}\" is not an IAM path: it must be \"/\" or start and end with \"/\", with printable ASCII between, at most 512 characters (got ${length(var.path)})."
  }
}

variable "description" {
  description = "Description of the role, at most 1,000 characters."
  type        = string
  default     = "Lets Amazon Pinpoint send campaign and journey email through Amazon SES"
  nullable    = false

  validation {
    condition     = length(var.description) <= 1000
    error_message = "description is ${length(var.description)} characters; IAM allows at most 1000."
  }

  validation {
    condition     = can(regex("^[\\x{0009}\\x{000A}\\x{000D}\\x{0020}-\\x{007E}\\x{00A1}-\\x{00FF}]*$", var.description))
    error_message = "description \"${var.description}\" contains a character IAM does not accept (allowed: tab, newlines, printable ASCII, U+00A1 to U+00FF)."
  }
}

variable "permissions_boundary_arn" {
  description = "ARN of a managed policy that sets the role's permissions boundary; null for none."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null ? true : (can(regex("^arn:aws[a-z-]*:iam::(\\d{12}|aws):policy\\/([\\x{0021}-\\x{002E}\\x{0030}-\\x{007E}]+\\/)*[A-Za-z0-9+=,.@_-]{1,128}$", var.permissions_boundary_arn)))
    error_message = "permissions_boundary_arn \"${var.permissions_boundary_arn == null ? "" : var.permissions_boundary_arn}\" is not an IAM managed policy ARN (arn:PARTITION:iam::ACCOUNT|aws:policy/[PATH/]NAME)."
  }
}

variable "max_session_duration" {
  description = "Maximum session duration of the role, in whole seconds from 3,600 to 43,200."
  type        = number
  default     = 3600
  nullable    = false

  validation {
    condition     = floor(var.max_session_duration) == var.max_session_duration && var.max_session_duration >= 3600 && var.max_session_duration <= 43200
    error_message = "max_session_duration ${var.max_session_duration} is out of range; IAM allows whole seconds from 3600 to 43200."
  }
}

variable "tags" {
  description = "Tags for the role, at most 50; keys 1 to 128 and values 0 to 256 characters, no aws: prefix. The provider's default_tags are added on top."
  type        = map(string)
  default     = {}
  nullable    = false

  validation {
    condition     = length(var.tags) <= 50
    error_message = "tags has ${length(var.tags)} tags, more than IAM's limit of 50 tags per role."
  }

  validation {
    condition = alltrue([
      for k in keys(var.tags) : length(k) >= 1 && length(k) <= 128 && can(regex("^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$", k))
    ])
    error_message = "tags has keys ${jsonencode([for k in keys(var.tags) : k if !(length(k) >= 1 && length(k) <= 128 && can(regex("^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$", k)))])} that IAM does not accept: 1 to 128 letters, digits, spaces and _.:/=+-@."
  }

  validation {
    condition     = alltrue([for k in keys(var.tags) : !startswith(lower(k), "aws:")])
    error_message = "tags has keys ${jsonencode([for k in keys(var.tags) : k if startswith(lower(k), "aws:")])} with the prefix \"aws:\", which AWS reserves for its own tags."
  }

  validation {
    condition = alltrue([
      for v in values(var.tags) : length(v) <= 256 && can(regex("^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$", v))
    ])
    error_message = "tags has values ${jsonencode([for v in values(var.tags) : v if !(length(v) <= 256 && can(regex("^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$", v)))])} that IAM does not accept: 0 to 256 letters, digits, spaces and _.:/=+-@."
  }
}

variable "region" {
  description = "Region of the Pinpoint project and of the SES identities it sends from; null for the provider's Region."
  type        = string
  default     = null

  validation {
    condition     = var.region == null ? true : (can(regex("^[a-z]{2,4}(-[a-z]+)+-\\d{1,2}$", var.region)))
    error_message = "region \"${var.region == null ? "" : var.region}\" is not an AWS Region name (like us-east-1, us-gov-west-1 or cn-north-1)."
  }
}

variable "ses_identities" {
  description = "SES identities (email addresses or domains) Pinpoint may send from, one ARN each in the permissions policy; [\"*\"] for all identities of the account in the Region."
  type        = list(string)
  default     = ["*"]
  nullable    = false

  validation {
    condition     = length(var.ses_identities) >= 1
    error_message = "ses_identities is empty; list at least one, or leave it out for all (\"*\")."
  }

  validation {
    condition     = length(distinct(var.ses_identities)) == length(var.ses_identities)
    error_message = "ses_identities ${jsonencode(var.ses_identities)} lists an entry more than once."
  }

  validation {
    condition     = !contains(var.ses_identities, "*") || length(var.ses_identities) == 1
    error_message = "ses_identities ${jsonencode(var.ses_identities)} mixes \"*\" (all) with named entries; use one or the other."
  }

  validation {
    condition = alltrue([
      for x in var.ses_identities : x == "*" || (can(regex("^([A-Za-z0-9!#$%&'+\\-/=?^_`{|}~.]{1,64}@)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$", x)) && length(replace(x, "/^.*@/", "")) <= 253)
    ])
    error_message = "ses_identities has ${jsonencode([for x in var.ses_identities : x if !(x == "*" || (can(regex("^([A-Za-z0-9!#$%&'+\\-/=?^_`{|}~.]{1,64}@)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+[A-Za-z]{2,63}$", x)) && length(replace(x, "/^.*@/", "")) <= 253))])}, which are not email addresses or domains."
  }

  validation {
    condition = length(jsonencode({
      "Version" = "2012-10-17"
      "Statement" = [
        {
          "Sid"      = "PinpointUsesSESForEmailSends"
          "Effect"   = "Allow"
          "Action"   = ["ses:SendEmail", "ses:SendRawEmail"]
          "Resource" = concat(formatlist("arn:pppppppppp:ses:${coalesce(var.region, "rrrrrrrrrrrrrrrr")}:000000000000:identity/%s", var.ses_identities), formatlist("arn:pppppppppp:ses:${coalesce(var.region, "rrrrrrrrrrrrrrrr")}:000000000000:configuration-set/%s", var.configuration_sets))
        }
      ]
    })) <= 10240
    error_message = "ses_identities and configuration_sets have ${length(var.ses_identities) + length(var.configuration_sets)} entries: with the longest partition (10 characters), account (12) and, unless region is set, Region (16), they make a permissions policy longer than IAM's limit for a role's inline policies, 10240 characters in all."
  }
}

variable "configuration_sets" {
  description = "SES configuration sets Pinpoint may use, one ARN each; [\"*\"] for all configuration sets of the account in the Region."
  type        = list(string)
  default     = ["*"]
  nullable    = false

  validation {
    condition     = length(var.configuration_sets) >= 1
    error_message = "configuration_sets is empty; list at least one, or leave it out for all (\"*\")."
  }

  validation {
    condition     = length(distinct(var.configuration_sets)) == length(var.configuration_sets)
    error_message = "configuration_sets ${jsonencode(var.configuration_sets)} lists an entry more than once."
  }

  validation {
    condition     = !contains(var.configuration_sets, "*") || length(var.configuration_sets) == 1
    error_message = "configuration_sets ${jsonencode(var.configuration_sets)} mixes \"*\" (all) with named entries; use one or the other."
  }

  validation {
    condition = alltrue([
      for x in var.configuration_sets : x == "*" || can(regex("^[A-Za-z0-9_-]{1,64}$", x))
    ])
    error_message = "configuration_sets has ${jsonencode([for x in var.configuration_sets : x if !(x == "*" || can(regex("^[A-Za-z0-9_-]{1,64}$", x)))])}, which are not SES configuration set names (1 to 64 of [A-Za-z0-9_-])."
  }
}

variable "pinpoint_application_ids" {
  description = "Pinpoint project (application) ids, 32 lowercase hex characters each. When not empty, the trust policy also requires aws:SourceArn to be one of these projects; [] lets any project of the account use the role."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = length(distinct(var.pinpoint_application_ids)) == length(var.pinpoint_application_ids)
    error_message = "pinpoint_application_ids ${jsonencode(var.pinpoint_application_ids)} lists an entry more than once."
  }

  validation {
    condition = alltrue([
      for x in var.pinpoint_application_ids : can(regex("^[0-9a-f]{32}$", x))
    ])
    error_message = "pinpoint_application_ids has ${jsonencode([for x in var.pinpoint_application_ids : x if !(can(regex("^[0-9a-f]{32}$", x)))])}, which are not Pinpoint application ids (32 lowercase hex characters)."
  }

  validation {
    condition = length(jsonencode({
      "Version" = "2012-10-17"
      "Statement" = [
        {
          "Sid"       = "AllowPinpoint"
          "Effect"    = "Allow"
          "Principal" = { "Service" = "pinpoint.amazonaws.com" }
          "Action"    = "sts:AssumeRole"
          "Condition" = {
            "StringEquals" = { "aws:SourceAccount" = "000000000000" }
            "ArnLike" = {
              "aws:SourceArn" = formatlist("arn:pppppppppp:mobiletargeting:${coalesce(var.region, "rrrrrrrrrrrrrrrr")}:000000000000:apps/%s", var.pinpoint_application_ids)
            }
          }
        }
      ]
    })) <= 2048
    error_message = "pinpoint_application_ids has ${length(var.pinpoint_application_ids)} ids: with the longest partition (10 characters), account (12) and, unless region is set, Region (16), they make a trust policy longer than IAM's limit for a role trust policy, 2048 characters (the default quota)."
  }
}

variable "policy_name" {
  description = "Name of the inline permissions policy."
  type        = string
  default     = "PinpointUsesSESForEmailSends"
  nullable    = false

  validation {
    condition     = length(var.policy_name) >= 1 && length(var.policy_name) <= 128 && can(regex("^[A-Za-z0-9+=,.@_-]+$", var.policy_name))
    error_message = "policy_name \"${var.policy_name == null ? "" : var.policy_name}\" is ${length(var.policy_name == null ? "" : var.policy_name)} characters; IAM allows 1 to 128 of [A-Za-z0-9+=,.@_-]."
  }
}
