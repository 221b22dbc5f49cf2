# Each limit from both sides. A run of refused values expects each of its variables
# to fail; Terraform reports an expected failure that does not happen, so no value
# hides behind another. The data sources answer as in plan.tftest.hcl.
mock_provider "aws" {
  mock_data "aws_partition" { defaults = { partition = "aws" } }
  mock_data "aws_caller_identity" { defaults = { account_id = "111122223333" } }
  mock_data "aws_region" { defaults = { id = "eu-west-1" } }
}

run "accepts_the_longest_names_path_description_and_50_tags" {
  # accepts a role_name of 64 characters
  # accepts a path of 512 characters
  # accepts a description of 1000 characters
  # accepts an AWS-managed boundary in GovCloud
  # accepts max_session_duration 3600
  # accepts 50 tags
  # accepts a domain and an address
  # accepts a policy_name of 128 characters
  command = plan
  variables {
    role_name                = "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr"
    path                     = "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/"
    description              = "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
    permissions_boundary_arn = "arn:aws-us-gov:iam::aws:policy/PowerUserAccess"
    max_session_duration     = 3600
    tags                     = { for i in range(50) : "k${i}" => "v" }
    ses_identities           = ["example.com", "no-reply+news@mail.example.co.uk"]
    policy_name              = "pppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp"
  }
}

run "accepts_the_longest_prefix_tag_and_configuration_set_and_43200_seconds" {
  # accepts a role_name_prefix of 38 characters
  # accepts max_session_duration 43200
  # accepts a tag key of 128 and a value of 256 characters
  # accepts a configuration set of 64 characters
  command = plan
  variables {
    role_name_prefix     = "pppppppppppppppppppppppppppppppppppppp"
    max_session_duration = 43200
    tags = {
      "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk" = "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"
    }
    configuration_sets = ["cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"]
  }
}

run "accepts_an_empty_tag_value_and_a_region_in_china" {
  # accepts an empty tag value
  # accepts a Region in China
  command = plan
  variables {
    tags   = { "team" = "" }
    region = "cn-northwest-1"
  }
}

run "accepts_17_pinpoint_app_ids" {
  # accepts 17 Pinpoint app ids
  command = plan
  variables {
    pinpoint_application_ids = [for i in range(17) : format("%04x456789abcdef0123456789abcdef", i)]
  }
}

run "accepts_18_pinpoint_app_ids_in_us_east_1" {
  # accepts 18 Pinpoint app ids in us-east-1
  command = plan
  variables {
    region                   = "us-east-1"
    pinpoint_application_ids = [for i in range(18) : format("%04x456789abcdef0123456789abcdef", i)]
  }
}

run "accepts_123_identities_of_20_characters" {
  # accepts 123 identities of 20 characters
  command = plan
  variables {
    ses_identities = [for i in range(123) : format("user%04d@example.com", i)]
  }
}

run "refuses_one_past_each_upper_limit" {
  # refuses a role_name of 65 characters (var.role_name)
  # refuses a path without the trailing slash (var.path)
  # refuses a description of 1001 characters (var.description)
  # refuses a boundary that is not a policy ARN (var.permissions_boundary_arn)
  # refuses max_session_duration 3599 (var.max_session_duration)
  # refuses 51 tags (var.tags)
  # refuses no ses_identities (var.ses_identities)
  # refuses a policy_name of 129 characters (var.policy_name)
  command = plan
  variables {
    role_name                = "rrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrrr"
    path                     = "/messaging"
    description              = "ddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"
    permissions_boundary_arn = "arn:aws:s3:::bucket"
    max_session_duration     = 3599
    tags                     = { for i in range(51) : "k${i}" => "v" }
    ses_identities           = []
    policy_name              = "ppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppppp"
  }
  expect_failures = [
    var.role_name,
    var.path,
    var.description,
    var.permissions_boundary_arn,
    var.max_session_duration,
    var.tags,
    var.ses_identities,
    var.policy_name
  ]
}

run "refuses_empty_names_long_paths_and_duplicates" {
  # refuses an empty role_name (var.role_name)
  # refuses a path of 513 characters (var.path)
  # refuses a description with a character outside Latin-1 (var.description)
  # refuses max_session_duration 43201 (var.max_session_duration)
  # refuses a tag key of 129 characters (var.tags)
  # refuses a duplicate identity (var.ses_identities)
  command = plan
  variables {
    role_name            = ""
    path                 = "/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa/"
    description          = "send ✉"
    max_session_duration = 43201
    tags = {
      "kkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkkk" = "v"
    }
    ses_identities = ["example.com", "example.com"]
  }
  expect_failures = [
    var.role_name,
    var.path,
    var.description,
    var.max_session_duration,
    var.tags,
    var.ses_identities
  ]
}

run "refuses_spaces_fractions_and_empty_keys" {
  # refuses a role_name with a space (var.role_name)
  # refuses a fractional max_session_duration (var.max_session_duration)
  # refuses an empty tag key (var.tags)
  # refuses an identity that is neither address nor domain (var.ses_identities)
  command = plan
  variables {
    role_name            = "pinpoint role"
    max_session_duration = 3600.5
    tags                 = { "" = "v" }
    ses_identities       = ["not an identity"]
  }
  expect_failures = [var.role_name, var.max_session_duration, var.tags, var.ses_identities]
}

run "refuses_a_long_prefix_a_reserved_tag_key_and_an_address_without_domain" {
  # refuses a role_name_prefix of 39 characters (var.role_name_prefix)
  # refuses a tag key with the reserved prefix (var.tags)
  # refuses an address with no domain (var.ses_identities)
  command = plan
  variables {
    role_name_prefix = "ppppppppppppppppppppppppppppppppppppppp"
    tags             = { "AWS:owner" = "me" }
    ses_identities   = ["ops@"]
  }
  expect_failures = [var.role_name_prefix, var.tags, var.ses_identities]
}

run "refuses_a_name_with_a_prefix_a_long_tag_value_and_mixed_identities" {
  # refuses both role_name and role_name_prefix (var.role_name_prefix)
  # refuses a tag value of 257 characters (var.tags)
  # refuses * mixed with a named identity (var.ses_identities)
  command = plan
  variables {
    role_name        = "a"
    role_name_prefix = "b"
    tags = {
      "team" = "vvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvvv"
    }
    ses_identities = ["*", "example.com"]
  }
  expect_failures = [var.role_name_prefix, var.tags, var.ses_identities]
}

run "refuses_a_comma_in_a_tag_value_and_no_configuration_sets" {
  # refuses a tag value with a comma (var.tags)
  # refuses no configuration_sets (var.configuration_sets)
  command = plan
  variables {
    tags               = { "team" = "a,b" }
    configuration_sets = []
  }
  expect_failures = [var.tags, var.configuration_sets]
}

run "refuses_a_configuration_set_of_65_characters" {
  # refuses a configuration set of 65 characters (var.configuration_sets)
  command = plan
  variables {
    configuration_sets = ["ccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"]
  }
  expect_failures = [var.configuration_sets]
}

run "refuses_an_uppercase_app_id" {
  # refuses an uppercase app id (var.pinpoint_application_ids)
  command = plan
  variables {
    pinpoint_application_ids = ["0123456789ABCDEF0123456789ABCDEF"]
  }
  expect_failures = [var.pinpoint_application_ids]
}

run "refuses_an_app_id_of_31_characters" {
  # refuses an app id of 31 characters (var.pinpoint_application_ids)
  command = plan
  variables {
    pinpoint_application_ids = ["123456789abcdef0123456789abcdef"]
  }
  expect_failures = [var.pinpoint_application_ids]
}

run "refuses_a_duplicate_app_id" {
  # refuses a duplicate app id (var.pinpoint_application_ids)
  command = plan
  variables {
    pinpoint_application_ids = [
      "0123456789abcdef0123456789abcdef",
      "0123456789abcdef0123456789abcdef"
    ]
  }
  expect_failures = [var.pinpoint_application_ids]
}

run "refuses_a_wildcard_app_id" {
  # refuses * as an app id (var.pinpoint_application_ids)
  command = plan
  variables {
    pinpoint_application_ids = ["*"]
  }
  expect_failures = [var.pinpoint_application_ids]
}

run "refuses_a_region_that_is_not_one" {
  # refuses a Region that is not one (var.region)
  command = plan
  variables {
    region = "useast1"
  }
  expect_failures = [var.region]
}

run "refuses_18_pinpoint_app_ids" {
  # refuses 18 Pinpoint app ids (var.pinpoint_application_ids)
  command = plan
  variables {
    pinpoint_application_ids = [for i in range(18) : format("%04x456789abcdef0123456789abcdef", i)]
  }
  expect_failures = [var.pinpoint_application_ids]
}

run "refuses_124_identities_of_20_characters" {
  # refuses 124 identities of 20 characters (var.ses_identities)
  command = plan
  variables {
    ses_identities = [for i in range(124) : format("user%04d@example.com", i)]
  }
  expect_failures = [var.ses_identities]
}
