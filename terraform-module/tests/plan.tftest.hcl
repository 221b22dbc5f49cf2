# Plans with defaults and with every variable set, against a mocked provider:
# the data sources answer as in account 111122223333 with a provider in eu-west-1.
mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }
  mock_data "aws_region" {
    defaults = { id = "eu-west-1" }
  }
}

run "plans_the_aws_procedure_with_defaults" {
  command = plan

  assert {
    condition = jsondecode(aws_iam_role.this.assume_role_policy) == jsondecode(jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Sid       = "AllowPinpoint"
        Effect    = "Allow"
        Principal = { Service = "pinpoint.amazonaws.com" }
        Action    = "sts:AssumeRole"
        Condition = { StringEquals = { "aws:SourceAccount" = "111122223333" } }
      }]
    }))
    error_message = "the trust policy is not the AWS procedure's, for the caller's account"
  }
  assert {
    condition = jsondecode(aws_iam_role_policy.this.policy) == jsondecode(jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Sid    = "PinpointUsesSESForEmailSends"
        Effect = "Allow"
        Action = ["ses:SendEmail", "ses:SendRawEmail"]
        Resource = [
          "arn:aws:ses:eu-west-1:111122223333:identity/*",
          "arn:aws:ses:eu-west-1:111122223333:configuration-set/*",
        ]
      }]
    }))
    error_message = "the permissions policy is not the AWS procedure's, for all identities and configuration sets of the Region"
  }
  assert {
    condition     = aws_iam_role.this.name_prefix == "pinpoint-ses-sending-"
    error_message = "the role is not named from the default prefix"
  }
  assert {
    condition     = aws_iam_role.this.path == "/" && aws_iam_role.this.max_session_duration == 3600
    error_message = "the role's path or session duration is not the default"
  }
  assert {
    condition     = aws_iam_role_policy.this.name == "PinpointUsesSESForEmailSends"
    error_message = "the policy is not named as in the AWS procedure"
  }
}

run "plans_every_variable_as_given" {
  command = plan

  variables {
    role_name                = "pinpoint-email-sender"
    path                     = "/messaging/"
    description              = "Pinpoint sender for the messaging team"
    permissions_boundary_arn = "arn:aws:iam::111122223333:policy/boundaries/pinpoint"
    max_session_duration     = 7200
    tags                     = { team = "messaging" }
    region                   = "eu-central-1"
    ses_identities           = ["example.com", "news@example.org"]
    configuration_sets       = ["marketing"]
    pinpoint_application_ids = ["0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"]
    policy_name              = "ses-send"
  }

  assert {
    condition = jsondecode(aws_iam_role.this.assume_role_policy).Statement[0].Condition == jsondecode(jsonencode({
      StringEquals = { "aws:SourceAccount" = "111122223333" }
      ArnLike = {
        "aws:SourceArn" = [
          "arn:aws:mobiletargeting:eu-central-1:111122223333:apps/0123456789abcdef0123456789abcdef*",
          "arn:aws:mobiletargeting:eu-central-1:111122223333:apps/fedcba9876543210fedcba9876543210*",
        ]
      }
    }))
    error_message = "the trust policy is not narrowed to the two apps"
  }
  assert {
    condition = jsondecode(aws_iam_role_policy.this.policy).Statement[0].Resource == [
      "arn:aws:ses:eu-central-1:111122223333:identity/example.com",
      "arn:aws:ses:eu-central-1:111122223333:identity/news@example.org",
      "arn:aws:ses:eu-central-1:111122223333:configuration-set/marketing",
    ]
    error_message = "the permissions policy is not narrowed to the identities and the configuration set, in the given Region"
  }
  # name_prefix is computed by the provider when not set, so unknown in a plan: the name is what shows.
  assert {
    condition     = aws_iam_role.this.name == "pinpoint-email-sender"
    error_message = "the role does not have exactly the given name"
  }
  assert {
    condition = alltrue([
      aws_iam_role.this.path == "/messaging/",
      aws_iam_role.this.description == "Pinpoint sender for the messaging team",
      aws_iam_role.this.permissions_boundary == "arn:aws:iam::111122223333:policy/boundaries/pinpoint",
      aws_iam_role.this.max_session_duration == 7200,
      aws_iam_role.this.tags == tomap({ team = "messaging" }),
      aws_iam_role_policy.this.name == "ses-send",
    ])
    error_message = "a role or policy attribute is not as given"
  }
}

run "names_the_role_from_a_given_prefix" {
  command = plan

  variables {
    role_name_prefix = "team-a-"
  }

  assert {
    condition     = aws_iam_role.this.name_prefix == "team-a-"
    error_message = "the role is not named from the given prefix"
  }
}

# data.aws_region differs by provider version: 5.x sets `id` and `name`, 6.x adds `region` and
# deprecates `name`. The module reads `id`, which both set to the Region's name, and nothing else:
# here `name` says something else (it never does in a real provider) and is not used.
run "reads_the_region_from_id_as_aws_5_and_6_both_set_it" {
  command = plan

  override_data {
    target = data.aws_region.current
    values = { id = "ap-southeast-2", name = "not-read-by-the-module" }
  }

  assert {
    condition = jsondecode(aws_iam_role_policy.this.policy).Statement[0].Resource == [
      "arn:aws:ses:ap-southeast-2:111122223333:identity/*",
      "arn:aws:ses:ap-southeast-2:111122223333:configuration-set/*",
    ]
    error_message = "the permissions policy does not use the Region from data.aws_region's id"
  }
}
