variable "role_name" {
  description = "Exact name of the role: 1 to 64 of [A-Za-z0-9+=,.@_-]. Not with role_name_prefix. Changing it replaces the role."
  type        = string
  default     = null

  validation {
    condition     = var.role_name == null || can(regex("^[A-Za-z0-9+=,.@_-]{1,64}$", var.role_name))
    error_message = "role_name ${jsonencode(var.role_name)} is ${try(length(var.role_name), 0)} characters; IAM allows 1 to 64 of [A-Za-z0-9+=,.@_-]."
  }
}

variable "role_name_prefix" {
  description = "Prefix of a unique name that Terraform generates when role_name is null: 1 to 38 characters (Terraform appends 26). null means \"pinpoint-ses-sending-\"."
  type        = string
  default     = null

  validation {
    condition     = var.role_name_prefix == null || can(regex("^[A-Za-z0-9+=,.@_-]{1,38}$", var.role_name_prefix))
    error_message = "role_name_prefix ${jsonencode(var.role_name_prefix)} is ${try(length(var.role_name_prefix), 0)} characters; IAM allows 1 to 38 of [A-Za-z0-9+=,.@_-] (64 minus the 26-character suffix Terraform appends)."
  }

  validation {
    condition     = var.role_name == null || var.role_name_prefix == null
    error_message = "role_name ${jsonencode(var.role_name)} and role_name_prefix ${jsonencode(var.role_name_prefix)} are both set; give one or the other."
  }
}

variable "path" {
  description = "IAM path of the role: \"/\", or \"/\" + printable ASCII + \"/\", at most 512 characters."
  type        = string
  default     = "/"
  nullable    = false

  validation {
    # [!-~] is printable ASCII without the space.
    condition     = length(var.path) <= 512 && can(regex("^/$|^/[!-~]+/$", var.path))
    error_message = "path ${jsonencode(var.path)} is not an IAM path: it must be \"/\" or start and end with \"/\", with printable ASCII between, at most 512 characters (got ${length(var.path)})."
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
    condition     = can(regex("^[\\t\\n\\r\\x{20}-\\x{7E}\\x{A1}-\\x{FF}]*$", var.description))
    error_message = "description ${jsonencode(var.description)} contains a character IAM does not accept (allowed: tab, newlines, printable ASCII, U+00A1 to U+00FF)."
  }
}

variable "permissions_boundary_arn" {
  description = "ARN of a managed policy that sets the role's permissions boundary; null for none."
  type        = string
  default     = null

  validation {
    # A customer-managed (12-digit account) or AWS-managed policy, in any partition.
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::(\\d{12}|aws):policy/([\\x{21}-\\x{2E}\\x{30}-\\x{7E}]+/)*[A-Za-z0-9+=,.@_-]{1,128}$", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn ${jsonencode(var.permissions_boundary_arn)} is not an IAM managed policy ARN (arn:PARTITION:iam::ACCOUNT|aws:policy/[PATH/]NAME)."
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
    error_message = "tags \"${length(var.tags)} tags\" exceeds IAM's limit of 50 tags per role."
  }

  # Lengths are checked apart from the patterns: RE2 compiles {1,128} of a Unicode
  # class as 128 copies of it, which made a plan with 50 tags take seconds.
  validation {
    condition     = alltrue([for key in keys(var.tags) : length(key) <= 128 && can(regex("^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+$", key))])
    error_message = "tags key ${join(", ", [for key in keys(var.tags) : "${jsonencode(key)} is ${length(key)} characters" if !(length(key) <= 128 && can(regex("^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]+$", key)))])}; IAM allows 1 to 128 letters, digits, spaces and _.:/=+-@."
  }

  validation {
    condition     = length(distinct([for key in keys(var.tags) : lower(key)])) == length(var.tags)
    error_message = "tags keys ${jsonencode([for key in keys(var.tags) : key if length([for other in keys(var.tags) : other if lower(other) == lower(key)]) > 1])} differ only in case; IAM treats tag keys without regard to case."
  }

  validation {
    condition     = alltrue([for key in keys(var.tags) : !startswith(lower(key), "aws:")])
    error_message = "tags key ${join(", ", [for key in keys(var.tags) : jsonencode(key) if startswith(lower(key), "aws:")])} uses the prefix \"aws:\", which AWS reserves for its own tags."
  }

  validation {
    condition     = alltrue([for value in values(var.tags) : length(value) <= 256 && can(regex("^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$", value))])
    error_message = "tags${join(", ", [for key, value in var.tags : "[${jsonencode(key)}] ${jsonencode(value)}" if !(length(value) <= 256 && can(regex("^[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*$", value)))])} is not a valid tag value; IAM allows 0 to 256 letters, digits, spaces and _.:/=+-@."
  }
}

variable "region" {
  description = "Region of the Pinpoint project and of the SES identities it sends from; null for the provider's Region."
  type        = string
  default     = null

  validation {
    condition     = var.region == null || can(regex("^[a-z]{2,4}(-[a-z]+)+-\\d{1,2}$", var.region))
    error_message = "region ${jsonencode(var.region)} is not an AWS Region name (like us-east-1, us-gov-west-1 or cn-north-1)."
  }
}

variable "ses_identities" {
  description = "SES identities (email addresses or domains) Pinpoint may send from, one ARN each in the permissions policy; [\"*\"] for all identities of the account in the Region."
  type        = list(string)
  default     = ["*"]
  nullable    = false

  validation {
    condition     = length(var.ses_identities) > 0
    error_message = "ses_identities [] is empty; list at least one, or leave it out for all (\"*\")."
  }

  validation {
    condition     = length(distinct(var.ses_identities)) == length(var.ses_identities)
    error_message = "ses_identities ${jsonencode(var.ses_identities)} lists ${join(", ", distinct([for i, identity in var.ses_identities : jsonencode(identity) if index(var.ses_identities, identity) != i]))} more than once."
  }

  validation {
    condition     = !contains(var.ses_identities, "*") || length(var.ses_identities) == 1
    error_message = "ses_identities ${jsonencode(var.ses_identities)} mixes \"*\" (all) with named entries; use one or the other."
  }

  validation {
    # An optional dot-atom local part of at most 64 characters and @, then a domain of at most 253
    # characters whose last label is letters or an internationalised (xn--) label.
    condition = alltrue([
      for identity in var.ses_identities : identity == "*" || (
        can(regex("^([A-Za-z0-9!#$%&'+\\-/=?^_`{|}~]+(\\.[A-Za-z0-9!#$%&'+\\-/=?^_`{|}~]+)*@)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+([A-Za-z]{2,63}|xn--[A-Za-z0-9-]{0,58}[A-Za-z0-9])$", identity))
        && length(replace(identity, "/^.*@/", "")) <= 253 && length(replace(identity, "/@?[^@]*$/", "")) <= 64
      )
    ])
    error_message = "ses_identities ${jsonencode(var.ses_identities)} has ${join(", ", [
      for identity in var.ses_identities : jsonencode(identity) if !(identity == "*" || (
        can(regex("^([A-Za-z0-9!#$%&'+\\-/=?^_`{|}~]+(\\.[A-Za-z0-9!#$%&'+\\-/=?^_`{|}~]+)*@)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\\.)+([A-Za-z]{2,63}|xn--[A-Za-z0-9-]{0,58}[A-Za-z0-9])$", identity))
        && length(replace(identity, "/^.*@/", "")) <= 253 && length(replace(identity, "/@?[^@]*$/", "")) <= 64
      ))
    ])}, which is not an email address or domain."
  }

  validation {
    # IAM counts a role's inline policies together, without whitespace, as jsonencode writes
    # them. Measured here as main.tf builds the policy, with the longest partition (10
    # characters), account (12) and, unless region is set, Region (16).
    condition = length(jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Sid = "PinpointUsesSESForEmailSends", Effect = "Allow", Action = ["ses:SendEmail", "ses:SendRawEmail"]
        Resource = concat(
          [for identity in var.ses_identities : "arn:pppppppppp:ses:${coalesce(var.region, "rrrrrrrrrrrrrrrr")}:000000000000:identity/${identity}"],
          [for name in var.configuration_sets : "arn:pppppppppp:ses:${coalesce(var.region, "rrrrrrrrrrrrrrrr")}:000000000000:configuration-set/${name}"],
        )
      }]
    })) <= 10240
    error_message = "ses_identities and configuration_sets \"${length(var.ses_identities) + length(var.configuration_sets)} entries\" make a permissions policy longer than 10240 characters with the longest partition, account and, unless region is set, Region; IAM's limit for a role's inline policies is 10240 in all."
  }
}

variable "configuration_sets" {
  description = "SES configuration sets Pinpoint may use, one ARN each; [\"*\"] for all configuration sets of the account in the Region."
  type        = list(string)
  default     = ["*"]
  nullable    = false

  validation {
    condition     = length(var.configuration_sets) > 0
    error_message = "configuration_sets [] is empty; list at least one, or leave it out for all (\"*\")."
  }

  validation {
    condition     = length(distinct(var.configuration_sets)) == length(var.configuration_sets)
    error_message = "configuration_sets ${jsonencode(var.configuration_sets)} lists ${join(", ", distinct([for i, name in var.configuration_sets : jsonencode(name) if index(var.configuration_sets, name) != i]))} more than once."
  }

  validation {
    condition     = !contains(var.configuration_sets, "*") || length(var.configuration_sets) == 1
    error_message = "configuration_sets ${jsonencode(var.configuration_sets)} mixes \"*\" (all) with named entries; use one or the other."
  }

  validation {
    condition     = alltrue([for name in var.configuration_sets : name == "*" || can(regex("^[A-Za-z0-9_-]{1,64}$", name))])
    error_message = "configuration_sets ${jsonencode(var.configuration_sets)} has ${join(", ", [for name in var.configuration_sets : jsonencode(name) if !(name == "*" || can(regex("^[A-Za-z0-9_-]{1,64}$", name)))])}, which is not an SES configuration set name (1 to 64 of [A-Za-z0-9_-])."
  }
}

variable "pinpoint_application_ids" {
  description = "Pinpoint project (application) ids, 32 lowercase hex characters each. When not empty, the trust policy also requires aws:SourceArn to be one of these projects; [] lets any project of the account use the role."
  type        = list(string)
  default     = []
  nullable    = false

  validation {
    condition     = length(distinct(var.pinpoint_application_ids)) == length(var.pinpoint_application_ids)
    error_message = "pinpoint_application_ids ${jsonencode(var.pinpoint_application_ids)} lists ${join(", ", distinct([for i, id in var.pinpoint_application_ids : jsonencode(id) if index(var.pinpoint_application_ids, id) != i]))} more than once."
  }

  validation {
    condition     = alltrue([for id in var.pinpoint_application_ids : can(regex("^[0-9a-f]{32}$", id))])
    error_message = "pinpoint_application_ids ${jsonencode(var.pinpoint_application_ids)} has ${join(", ", [for id in var.pinpoint_application_ids : jsonencode(id) if !can(regex("^[0-9a-f]{32}$", id))])}, which is not a Pinpoint application id (32 lowercase hex characters)."
  }

  validation {
    # main.tf's trust policy, measured as IAM counts it (see ses_identities).
    condition = length(jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Sid = "AllowPinpoint", Effect = "Allow", Principal = { Service = "pinpoint.amazonaws.com" }, Action = "sts:AssumeRole"
        Condition = {
          StringEquals = { "aws:SourceAccount" = "000000000000" }
          ArnLike      = { "aws:SourceArn" = [for id in var.pinpoint_application_ids : "arn:pppppppppp:mobiletargeting:${coalesce(var.region, "rrrrrrrrrrrrrrrr")}:000000000000:apps/${id}*"] }
        }
      }]
    })) <= var.trust_policy_max_size
    error_message = "pinpoint_application_ids \"${length(var.pinpoint_application_ids)} ids\" make a trust policy longer than ${var.trust_policy_max_size} characters with the longest partition, account and, unless region is set, Region; IAM's limit for a role trust policy is ${var.trust_policy_max_size == 2048 ? "2048 (the default quota; set trust_policy_max_size if the account's quota is raised)" : "${var.trust_policy_max_size} (trust_policy_max_size)"}."
  }
}

variable "trust_policy_max_size" {
  description = "The account's quota for a role trust policy, in characters: 2,048 (IAM's default) to 8,192 (the most it can be raised to). Only the size check of pinpoint_application_ids reads it."
  type        = number
  default     = 2048
  nullable    = false

  validation {
    condition     = floor(var.trust_policy_max_size) == var.trust_policy_max_size && var.trust_policy_max_size >= 2048 && var.trust_policy_max_size <= 8192
    error_message = "trust_policy_max_size ${var.trust_policy_max_size} is not a whole number from 2048 (IAM's default quota) to 8192 (the most it can be raised to)."
  }
}

variable "policy_name" {
  description = "Name of the inline permissions policy."
  type        = string
  default     = "PinpointUsesSESForEmailSends"
  nullable    = false

  validation {
    condition     = can(regex("^[A-Za-z0-9+=,.@_-]{1,128}$", var.policy_name))
    error_message = "policy_name ${jsonencode(var.policy_name)} is ${length(var.policy_name)} characters; IAM allows 1 to 128 of [A-Za-z0-9+=,.@_-]."
  }
}
