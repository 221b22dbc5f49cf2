/**
 * One table of cases for the construct and the Terraform module: inputs,
 * then either what Terraform plans (the two documents, with `<partition>`,
 * `<region>` and `<account>` standing for what the data sources answer) or
 * the rule broken, as a fragment of the message both the construct's error
 * and the module's validation show. Plain data: nothing here calls the code
 * under test.
 */

/** Each input's name in the table, with its construct prop and module variable. */
export const INPUTS = {
  name: { prop: "roleName", variable: "role_name" },
  namePrefix: { prop: "roleNamePrefix", variable: "role_name_prefix" },
  path: { prop: "path", variable: "path" },
  description: { prop: "description", variable: "description" },
  boundary: { prop: "permissionsBoundaryArn", variable: "permissions_boundary_arn" },
  maxSessionDuration: { prop: "maxSessionDuration", variable: "max_session_duration" },
  tags: { prop: "tags", variable: "tags" },
  region: { prop: "region", variable: "region" },
  identities: { prop: "sesIdentities", variable: "ses_identities" },
  configurationSets: { prop: "configurationSets", variable: "configuration_sets" },
  appIds: { prop: "pinpointApplicationIds", variable: "pinpoint_application_ids" },
  policyName: { prop: "policyName", variable: "policy_name" },
  trustPolicyMaxSize: { prop: "trustPolicyMaxSize", variable: "trust_policy_max_size" },
} as const;

export type Inputs = { readonly [input in keyof typeof INPUTS]?: unknown };

/** What the role resource plans, attribute by attribute (only those a case names are compared). */
export type PlannedRole = { readonly [attribute: string]: unknown };

export interface Planned {
  readonly trust: object;
  readonly permissions: object;
  readonly policyName: string;
  readonly role: PlannedRole;
}

export interface Case {
  /** Unique; also the construct id and the module block's name. */
  readonly id: string;
  readonly inputs: Inputs;
  readonly plans?: Planned;
  /** For a refused case: a fragment of both messages, naming the rule (and the value where both show it alike). */
  readonly refused?: string;
}

/** The provider's Region in both runs; `<region>` in ARNs unless a case sets `region`. */
export const PROVIDER_REGION = "eu-west-1";
export const ACCOUNT = "210987654321";

const APP_ID = "0123456789abcdef0123456789abcdef";
const DEFAULT_DESCRIPTION = "Lets Amazon Pinpoint send campaign and journey email through Amazon SES";

const appIds = (count: number) => Array.from({ length: count }, (_, i) => `${i.toString(16).padStart(4, "0")}456789abcdef0123456789abcdef`);
/** 20 characters each. */
const identities = (count: number) => Array.from({ length: count }, (_, i) => `user${String(i).padStart(4, "0")}@example.com`);
const tags = (count: number) => Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, "v"]));

/** The AWS procedure's trust policy; with app ids, also limited to those projects. */
function trust(ids: readonly string[] = [], region = "<region>"): object {
  const sourceArns = ids.map((id) => `arn:<partition>:mobiletargeting:${region}:<account>:apps/${id}*`);
  return {
    Version: "2012-10-17",
    Statement: [{
      Sid: "AllowPinpoint",
      Effect: "Allow",
      Principal: { Service: "pinpoint.amazonaws.com" },
      Action: "sts:AssumeRole",
      Condition: {
        StringEquals: { "aws:SourceAccount": "<account>" },
        ...(sourceArns.length > 0 ? { ArnLike: { "aws:SourceArn": sourceArns } } : {}),
      },
    }],
  };
}

/** The AWS procedure's permissions policy, for the given identities and configuration sets. */
function permissions(identityNames: readonly string[] = ["*"], sets: readonly string[] = ["*"], region = "<region>"): object {
  return {
    Version: "2012-10-17",
    Statement: [{
      Sid: "PinpointUsesSESForEmailSends",
      Effect: "Allow",
      Action: ["ses:SendEmail", "ses:SendRawEmail"],
      Resource: [
        ...identityNames.map((identity) => `arn:<partition>:ses:${region}:<account>:identity/${identity}`),
        ...sets.map((name) => `arn:<partition>:ses:${region}:<account>:configuration-set/${name}`),
      ],
    }],
  };
}

/** An accepted case: the defaults, but for what `plans` overrides. */
function accepted(id: string, inputs: Inputs, plans: Partial<Planned> = {}): Case {
  return {
    id,
    inputs,
    plans: {
      trust: trust(),
      permissions: permissions(),
      policyName: "PinpointUsesSESForEmailSends",
      ...plans,
      role: plans.role ?? {},
    },
  };
}

const refused = (id: string, inputs: Inputs, rule: string): Case => ({ id, inputs, refused: rule });

const NAME_RULE = "characters; IAM allows 1 to 64 of [A-Za-z0-9+=,.@_-]";
const TAG_TEXT = "letters, digits, spaces and _.:/=+-@";
const APP_ID_RULE = "which is not a Pinpoint application id (32 lowercase hex characters)";

export const CASES: readonly Case[] = [
  accepted("defaults", {}, {
    role: { name_prefix: "pinpoint-ses-sending-", path: "/", description: DEFAULT_DESCRIPTION, max_session_duration: 3600 },
  }),
  accepted("exact_name", { name: "pinpoint-email-sender" }, { role: { name: "pinpoint-email-sender" } }),
  accepted("name_of_64", { name: "r".repeat(64) }, { role: { name: "r".repeat(64) } }),
  accepted("prefix", { namePrefix: "team-a-" }, { role: { name_prefix: "team-a-" } }),
  accepted("prefix_of_38", { namePrefix: "p".repeat(38) }, { role: { name_prefix: "p".repeat(38) } }),
  accepted("path", { path: "/messaging/" }, { role: { path: "/messaging/" } }),
  accepted("path_of_512", { path: `/${"a".repeat(510)}/` }, { role: { path: `/${"a".repeat(510)}/` } }),
  accepted("description", { description: "Pinpoint sender\tfor the messaging team, Zürich" },
    { role: { description: "Pinpoint sender\tfor the messaging team, Zürich" } }),
  accepted("description_of_1000", { description: "d".repeat(1000) }, { role: { description: "d".repeat(1000) } }),
  accepted("boundary", { boundary: "arn:aws:iam::210987654321:policy/boundaries/pinpoint" },
    { role: { permissions_boundary: "arn:aws:iam::210987654321:policy/boundaries/pinpoint" } }),
  accepted("aws_managed_boundary_in_govcloud", { boundary: "arn:aws-us-gov:iam::aws:policy/PowerUserAccess" },
    { role: { permissions_boundary: "arn:aws-us-gov:iam::aws:policy/PowerUserAccess" } }),
  accepted("session_of_3600", { maxSessionDuration: 3600 }, { role: { max_session_duration: 3600 } }),
  accepted("session_of_43200", { maxSessionDuration: 43200 }, { role: { max_session_duration: 43200 } }),
  accepted("tags", { tags: { team: "messaging", "cost-centre": "" } }, { role: { tags: { team: "messaging", "cost-centre": "" } } }),
  accepted("fifty_tags", { tags: tags(50) }, { role: { tags: tags(50) } }),
  accepted("longest_tag", { tags: { ["k".repeat(128)]: "v".repeat(256) } }, { role: { tags: { ["k".repeat(128)]: "v".repeat(256) } } }),
  accepted("region", { region: "eu-central-1" },
    { trust: trust([], "eu-central-1"), permissions: permissions(["*"], ["*"], "eu-central-1") }),
  accepted("region_in_china", { region: "cn-northwest-1" },
    { trust: trust([], "cn-northwest-1"), permissions: permissions(["*"], ["*"], "cn-northwest-1") }),
  accepted("identities", { identities: ["example.com", "no-reply+news@mail.example.co.uk"] },
    { permissions: permissions(["example.com", "no-reply+news@mail.example.co.uk"]) }),
  accepted("configuration_sets", { configurationSets: ["marketing", "c".repeat(64)] },
    { permissions: permissions(["*"], ["marketing", "c".repeat(64)]) }),
  accepted("app_ids", { appIds: [APP_ID, "fedcba9876543210fedcba9876543210"] },
    { trust: trust([APP_ID, "fedcba9876543210fedcba9876543210"]) }),
  accepted("policy_name", { policyName: "ses-send" }, { policyName: "ses-send" }),
  accepted("policy_name_of_128", { policyName: "p".repeat(128) }, { policyName: "p".repeat(128) }),
  accepted("every_input", {
    name: "pinpoint-email-sender", path: "/messaging/", description: "Pinpoint sender",
    boundary: "arn:aws:iam::210987654321:policy/boundaries/pinpoint", maxSessionDuration: 7200, tags: { team: "messaging" },
    region: "us-east-1", identities: ["example.com"], configurationSets: ["marketing"], appIds: [APP_ID], policyName: "ses-send",
  }, {
    trust: trust([APP_ID], "us-east-1"),
    permissions: permissions(["example.com"], ["marketing"], "us-east-1"),
    policyName: "ses-send",
    role: {
      name: "pinpoint-email-sender", path: "/messaging/", description: "Pinpoint sender", max_session_duration: 7200,
      permissions_boundary: "arn:aws:iam::210987654321:policy/boundaries/pinpoint", tags: { team: "messaging" },
    },
  }),
  // IAM's size quotas, with the longest partition, account and Region unless `region` is set.
  accepted("seventeen_app_ids", { appIds: appIds(17) }, { trust: trust(appIds(17)) }),
  accepted("eighteen_app_ids_in_us_east_1", { region: "us-east-1", appIds: appIds(18) },
    { trust: trust(appIds(18), "us-east-1"), permissions: permissions(["*"], ["*"], "us-east-1") }),
  accepted("identities_of_123", { identities: identities(123) }, { permissions: permissions(identities(123)) }),
  accepted("eighteen_app_ids_under_a_raised_quota", { appIds: appIds(18), trustPolicyMaxSize: 4096 }, { trust: trust(appIds(18)) }),
  accepted("trust_quota_of_8192", { trustPolicyMaxSize: 8192 }),
  accepted("internationalised_domain", { identities: ["example.xn--p1ai", `${"l".repeat(64)}@example.com`] },
    { permissions: permissions(["example.xn--p1ai", `${"l".repeat(64)}@example.com`]) }),

  refused("name_of_65", { name: "r".repeat(65) }, `is 65 ${NAME_RULE}`),
  refused("empty_name", { name: "" }, `"" is 0 ${NAME_RULE}`),
  refused("name_with_a_space", { name: "pinpoint role" }, `"pinpoint role" is 13 ${NAME_RULE}`),
  refused("prefix_of_39", { namePrefix: "p".repeat(39) },
    "is 39 characters; IAM allows 1 to 38 of [A-Za-z0-9+=,.@_-] (64 minus the 26-character suffix Terraform appends)"),
  refused("name_and_prefix", { name: "a", namePrefix: "b" }, "are both set; give one or the other"),
  refused("path_without_trailing_slash", { path: "/messaging" },
    '"/messaging" is not an IAM path: it must be "/" or start and end with "/", with printable ASCII between, at most 512 characters (got 10)'),
  refused("path_of_513", { path: `/${"a".repeat(511)}/` }, "is not an IAM path"),
  refused("description_of_1001", { description: "d".repeat(1001) }, "is 1001 characters; IAM allows at most 1000"),
  refused("description_outside_latin_1", { description: "send ✉" },
    '"send ✉" contains a character IAM does not accept (allowed: tab, newlines, printable ASCII, U+00A1 to U+00FF)'),
  refused("boundary_not_a_policy", { boundary: "arn:aws:s3:::bucket" },
    '"arn:aws:s3:::bucket" is not an IAM managed policy ARN (arn:PARTITION:iam::ACCOUNT|aws:policy/[PATH/]NAME)'),
  refused("session_of_3599", { maxSessionDuration: 3599 }, "3599 is out of range; IAM allows whole seconds from 3600 to 43200"),
  refused("session_of_43201", { maxSessionDuration: 43201 }, "43201 is out of range; IAM allows whole seconds from 3600 to 43200"),
  refused("fractional_session", { maxSessionDuration: 3600.5 }, "3600.5 is out of range; IAM allows whole seconds from 3600 to 43200"),
  refused("fifty_one_tags", { tags: tags(51) }, `"51 tags" exceeds IAM's limit of 50 tags per role`),
  refused("tag_key_of_129", { tags: { ["k".repeat(129)]: "v" } }, `is 129 characters; IAM allows 1 to 128 ${TAG_TEXT}`),
  refused("empty_tag_key", { tags: { "": "v" } }, `tags key "" is 0 characters; IAM allows 1 to 128 ${TAG_TEXT}`),
  refused("reserved_tag_key", { tags: { "AWS:owner": "me" } }, 'tags key "AWS:owner" uses the prefix "aws:", which AWS reserves for its own tags'),
  refused("tag_value_of_257", { tags: { team: "v".repeat(257) } }, `is not a valid tag value; IAM allows 0 to 256 ${TAG_TEXT}`),
  refused("tag_value_with_a_comma", { tags: { team: "a,b" } }, `tags["team"] "a,b" is not a valid tag value; IAM allows 0 to 256 ${TAG_TEXT}`),
  refused("region_that_is_not_one", { region: "useast1" }, '"useast1" is not an AWS Region name (like us-east-1, us-gov-west-1 or cn-north-1)'),
  refused("no_identities", { identities: [] }, '[] is empty; list at least one, or leave it out for all ("*")'),
  refused("duplicate_identity", { identities: ["example.com", "example.com"] },
    '["example.com","example.com"] lists "example.com" more than once'),
  refused("identity_neither_address_nor_domain", { identities: ["not an identity"] },
    '["not an identity"] has "not an identity", which is not an email address or domain'),
  refused("address_without_domain", { identities: ["ops@"] }, 'has "ops@", which is not an email address or domain'),
  refused("all_identities_and_a_named_one", { identities: ["*", "example.com"] },
    '["*","example.com"] mixes "*" (all) with named entries; use one or the other'),
  refused("no_configuration_sets", { configurationSets: [] }, '[] is empty; list at least one, or leave it out for all ("*")'),
  refused("duplicate_configuration_set", { configurationSets: ["marketing", "marketing"] }, 'lists "marketing" more than once'),
  refused("configuration_set_of_65", { configurationSets: ["c".repeat(65)] },
    "which is not an SES configuration set name (1 to 64 of [A-Za-z0-9_-])"),
  refused("uppercase_app_id", { appIds: [APP_ID.toUpperCase()] }, `has "${APP_ID.toUpperCase()}", ${APP_ID_RULE}`),
  refused("app_id_of_31", { appIds: [APP_ID.slice(1)] }, `has "${APP_ID.slice(1)}", ${APP_ID_RULE}`),
  refused("all_app_ids", { appIds: ["*"] }, `has "*", ${APP_ID_RULE}`),
  refused("duplicate_app_id", { appIds: [APP_ID, APP_ID] }, `lists "${APP_ID}" more than once`),
  refused("policy_name_of_129", { policyName: "p".repeat(129) }, "is 129 characters; IAM allows 1 to 128 of [A-Za-z0-9+=,.@_-]"),
  refused("eighteen_app_ids", { appIds: appIds(18) }, "IAM's limit for a role trust policy is 2048 (the default quota"),
  refused("trust_quota_of_2047", { trustPolicyMaxSize: 2047 },
    "2047 is not a whole number from 2048 (IAM's default quota) to 8192 (the most it can be raised to)"),
  refused("trust_quota_of_8193", { trustPolicyMaxSize: 8193 },
    "8193 is not a whole number from 2048 (IAM's default quota) to 8192 (the most it can be raised to)"),
  refused("tag_keys_differing_in_case", { tags: { Team: "a", team: "b" } },
    "differ only in case; IAM treats tag keys without regard to case"),
  refused("local_part_with_dots_out_of_place", { identities: [".a..b@example.com"] },
    'has ".a..b@example.com", which is not an email address or domain'),
  refused("local_part_of_65", { identities: [`${"l".repeat(65)}@example.com`] }, "which is not an email address or domain"),
  refused("identities_of_124", { identities: identities(124) }, "IAM's limit for a role's inline policies is 10240 in all"),
];

/** The case's inputs under the names of `side`: construct props or module variables. */
export function inputsFor(side: "prop" | "variable", inputs: Inputs): { [name: string]: unknown } {
  return Object.fromEntries(Object.entries(inputs).map(([input, value]) => [INPUTS[input as keyof typeof INPUTS][side], value]));
}

/** A planned document or value with the placeholders filled in. */
export function placed<T>(value: T, at: { partition: string; region: string; account: string }): T {
  return JSON.parse(JSON.stringify(value)
    .replace(/<partition>/g, at.partition).replace(/<region>/g, at.region).replace(/<account>/g, at.account));
}
