# Written by `npm run export-module` from the PinpointSesSendingRole construct; do not edit.
locals {
  region                    = coalesce(var.region, data.aws_region.current.name)
  pinpoint_application_arns = formatlist("arn:${data.aws_partition.current.partition}:mobiletargeting:${local.region}:${data.aws_caller_identity.current.account_id}:apps/%s", var.pinpoint_application_ids)
  ses_identity_arns         = formatlist("arn:${data.aws_partition.current.partition}:ses:${local.region}:${data.aws_caller_identity.current.account_id}:identity/%s", var.ses_identities)
  configuration_set_arns    = formatlist("arn:${data.aws_partition.current.partition}:ses:${local.region}:${data.aws_caller_identity.current.account_id}:configuration-set/%s", var.configuration_sets)
  ses_sending_resources     = concat(local.ses_identity_arns, local.configuration_set_arns)
}

data "aws_region" "current" {
}

data "aws_partition" "current" {
}

data "aws_caller_identity" "current" {
}

resource "aws_iam_role" "this" {
  assume_role_policy = (length(var.pinpoint_application_ids) >= 1) ? jsonencode({
    "Version" = "2012-10-17"
    "Statement" = [
      {
        "Sid"       = "AllowPinpoint"
        "Effect"    = "Allow"
        "Principal" = { "Service" = "pinpoint.amazonaws.com" }
        "Action"    = "sts:AssumeRole"
        "Condition" = {
          "StringEquals" = {
            "aws:SourceAccount" = data.aws_caller_identity.current.account_id
          }
          "ArnLike" = {
            "aws:SourceArn" = local.pinpoint_application_arns
          }
        }
      }
    ]
    }) : jsonencode({
    "Version" = "2012-10-17"
    "Statement" = [
      {
        "Sid"       = "AllowPinpoint"
        "Effect"    = "Allow"
        "Principal" = { "Service" = "pinpoint.amazonaws.com" }
        "Action"    = "sts:AssumeRole"
        "Condition" = {
          "StringEquals" = {
            "aws:SourceAccount" = data.aws_caller_identity.current.account_id
          }
        }
      }
    ]
  })
  description          = var.description
  max_session_duration = var.max_session_duration
  name                 = var.role_name
  name_prefix          = (var.role_name == null) ? coalesce(var.role_name_prefix, "pinpoint-ses-sending-") : null
  path                 = var.path
  permissions_boundary = var.permissions_boundary_arn
  tags                 = var.tags
}

resource "aws_iam_role_policy" "this" {
  name = var.policy_name
  policy = jsonencode({
    "Version" = "2012-10-17"
    "Statement" = [
      {
        "Sid"      = "PinpointUsesSESForEmailSends"
        "Effect"   = "Allow"
        "Action"   = ["ses:SendEmail", "ses:SendRawEmail"]
        "Resource" = local.ses_sending_resources
      }
    ]
  })
  role = aws_iam_role.this.name
}
