data "aws_partition" "current" {}

data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  region     = coalesce(var.region, data.aws_region.current.id) # `id`: the Region's name in aws 5.x and 6.x; 6.x deprecates `name`
  account_id = data.aws_caller_identity.current.account_id

  ses_identity_arns         = [for identity in var.ses_identities : "arn:${local.partition}:ses:${local.region}:${local.account_id}:identity/${identity}"]
  configuration_set_arns    = [for name in var.configuration_sets : "arn:${local.partition}:ses:${local.region}:${local.account_id}:configuration-set/${name}"]
  pinpoint_application_arns = [for id in var.pinpoint_application_ids : "arn:${local.partition}:mobiletargeting:${local.region}:${local.account_id}:apps/${id}*"]

  # Listed projects only: closes the confused-deputy gap between Pinpoint
  # projects of one account. None listed: any project, as in the AWS procedure.
  source_arn_condition = length(local.pinpoint_application_arns) > 0 ? {
    ArnLike = { "aws:SourceArn" = local.pinpoint_application_arns }
  } : null
}

resource "aws_iam_role" "this" {
  name                 = var.role_name
  name_prefix          = var.role_name == null ? coalesce(var.role_name_prefix, "pinpoint-ses-sending-") : null
  path                 = var.path
  description          = var.description
  permissions_boundary = var.permissions_boundary_arn
  max_session_duration = var.max_session_duration
  tags                 = var.tags
  # A destroy then also removes policies attached or added outside Terraform, instead of failing with DeleteConflict.
  force_detach_policies = true

  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AllowPinpoint"
        Effect    = "Allow"
        Principal = { Service = "pinpoint.amazonaws.com" }
        Action    = "sts:AssumeRole"
        # merge() skips the null of an unrestricted role.
        Condition = merge(
          { StringEquals = { "aws:SourceAccount" = local.account_id } },
          local.source_arn_condition,
        )
      }
    ]
  })
}

resource "aws_iam_role_policy" "this" {
  name = var.policy_name
  role = aws_iam_role.this.name

  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "PinpointUsesSESForEmailSends"
        Effect   = "Allow"
        Action   = ["ses:SendEmail", "ses:SendRawEmail"]
        Resource = concat(local.ses_identity_arns, local.configuration_set_arns)
      }
    ]
  })
}
