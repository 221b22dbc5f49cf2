/**
 * The exported module's `terraform test` suite, written from tables: the
 * values each variable accepts and refuses, on both sides of every limit. The
 * same tables run through the construct in jest, so the module's validation
 * blocks and the construct's checks are shown to agree.
 */
import { PinpointSesSendingRoleProps } from "../modules";
import { AccountScope, pinpointTrustPolicy, sesSendingPolicy } from "../modules/policy-documents";
import { hclString, hclValue } from "./hcl";
import { isExported, MODULE_INPUTS } from "./module-export";

/** A variable value written as a Terraform expression, with the same value for the construct. */
export interface Generated {
  readonly hcl: string;
  readonly value: unknown;
}

const generated = (hcl: string, value: unknown): Generated => ({ hcl, value });
const isGenerated = (value: unknown): value is Generated =>
  typeof value === "object" && value !== null && "hcl" in value && "value" in value;

/** One `run`: variables, and for a refused case the variable whose validation must fail. */
export interface ModuleCase {
  readonly name: string;
  readonly variables: { readonly [variable: string]: unknown };
  readonly refusedBy?: string;
}

const appIds = (count: number) => generated(`[for i in range(${count}) : format("%04x456789abcdef0123456789abcdef", i)]`,
  Array.from({ length: count }, (_, i) => `${i.toString(16).padStart(4, "0")}456789abcdef0123456789abcdef`));
// 20 characters each, as in the construct's own size tests.
const identities = (count: number) => generated(`[for i in range(${count}) : format("user%04d@example.com", i)]`,
  Array.from({ length: count }, (_, i) => `user${String(i).padStart(4, "0")}@example.com`));
const tags = (count: number) => generated(`{ for i in range(${count}) : "k\${i}" => "v" }`,
  Object.fromEntries(Array.from({ length: count }, (_, i) => [`k${i}`, "v"])));
const APP_ID = "0123456789abcdef0123456789abcdef";

/** Values on the allowed side of each limit. */
export const ACCEPTED: readonly ModuleCase[] = [
  { name: "a role_name of 64 characters", variables: { role_name: "r".repeat(64) } },
  { name: "a role_name_prefix of 38 characters", variables: { role_name_prefix: "p".repeat(38) } },
  { name: "a path of 512 characters", variables: { path: `/${"a".repeat(510)}/` } },
  { name: "a description of 1000 characters", variables: { description: "d".repeat(1000) } },
  { name: "an AWS-managed boundary in GovCloud", variables: { permissions_boundary_arn: "arn:aws-us-gov:iam::aws:policy/PowerUserAccess" } },
  { name: "max_session_duration 3600", variables: { max_session_duration: 3600 } },
  { name: "max_session_duration 43200", variables: { max_session_duration: 43200 } },
  { name: "50 tags", variables: { tags: tags(50) } },
  { name: "a tag key of 128 and a value of 256 characters", variables: { tags: { ["k".repeat(128)]: "v".repeat(256) } } },
  { name: "an empty tag value", variables: { tags: { team: "" } } },
  { name: "a domain and an address", variables: { ses_identities: ["example.com", "no-reply+news@mail.example.co.uk"] } },
  { name: "a configuration set of 64 characters", variables: { configuration_sets: ["c".repeat(64)] } },
  { name: "a Region in China", variables: { region: "cn-northwest-1" } },
  { name: "a policy_name of 128 characters", variables: { policy_name: "p".repeat(128) } },
  { name: "17 Pinpoint app ids", variables: { pinpoint_application_ids: appIds(17) } },
  { name: "18 Pinpoint app ids in us-east-1", variables: { region: "us-east-1", pinpoint_application_ids: appIds(18) } },
  { name: "123 identities of 20 characters", variables: { ses_identities: identities(123) } },
];

/** Values on the refused side, with the variable whose validation refuses them. */
export const REFUSED: readonly ModuleCase[] = [
  { name: "a role_name of 65 characters", variables: { role_name: "r".repeat(65) }, refusedBy: "role_name" },
  { name: "an empty role_name", variables: { role_name: "" }, refusedBy: "role_name" },
  { name: "a role_name with a space", variables: { role_name: "pinpoint role" }, refusedBy: "role_name" },
  { name: "a role_name_prefix of 39 characters", variables: { role_name_prefix: "p".repeat(39) }, refusedBy: "role_name_prefix" },
  { name: "both role_name and role_name_prefix", variables: { role_name: "a", role_name_prefix: "b" }, refusedBy: "role_name_prefix" },
  { name: "a path without the trailing slash", variables: { path: "/messaging" }, refusedBy: "path" },
  { name: "a path of 513 characters", variables: { path: `/${"a".repeat(511)}/` }, refusedBy: "path" },
  { name: "a description of 1001 characters", variables: { description: "d".repeat(1001) }, refusedBy: "description" },
  { name: "a description with a character outside Latin-1", variables: { description: "send ✉" }, refusedBy: "description" },
  { name: "a boundary that is not a policy ARN", variables: { permissions_boundary_arn: "arn:aws:s3:::bucket" }, refusedBy: "permissions_boundary_arn" },
  { name: "max_session_duration 3599", variables: { max_session_duration: 3599 }, refusedBy: "max_session_duration" },
  { name: "max_session_duration 43201", variables: { max_session_duration: 43201 }, refusedBy: "max_session_duration" },
  { name: "a fractional max_session_duration", variables: { max_session_duration: 3600.5 }, refusedBy: "max_session_duration" },
  { name: "51 tags", variables: { tags: tags(51) }, refusedBy: "tags" },
  { name: "a tag key of 129 characters", variables: { tags: { ["k".repeat(129)]: "v" } }, refusedBy: "tags" },
  { name: "an empty tag key", variables: { tags: { "": "v" } }, refusedBy: "tags" },
  { name: "a tag key with the reserved prefix", variables: { tags: { "AWS:owner": "me" } }, refusedBy: "tags" },
  { name: "a tag value of 257 characters", variables: { tags: { team: "v".repeat(257) } }, refusedBy: "tags" },
  { name: "a tag value with a comma", variables: { tags: { team: "a,b" } }, refusedBy: "tags" },
  { name: "no ses_identities", variables: { ses_identities: [] }, refusedBy: "ses_identities" },
  { name: "a duplicate identity", variables: { ses_identities: ["example.com", "example.com"] }, refusedBy: "ses_identities" },
  { name: "an identity that is neither address nor domain", variables: { ses_identities: ["not an identity"] }, refusedBy: "ses_identities" },
  { name: "an address with no domain", variables: { ses_identities: ["ops@"] }, refusedBy: "ses_identities" },
  { name: "* mixed with a named identity", variables: { ses_identities: ["*", "example.com"] }, refusedBy: "ses_identities" },
  { name: "no configuration_sets", variables: { configuration_sets: [] }, refusedBy: "configuration_sets" },
  { name: "a configuration set of 65 characters", variables: { configuration_sets: ["c".repeat(65)] }, refusedBy: "configuration_sets" },
  { name: "an uppercase app id", variables: { pinpoint_application_ids: [APP_ID.toUpperCase()] }, refusedBy: "pinpoint_application_ids" },
  { name: "an app id of 31 characters", variables: { pinpoint_application_ids: [APP_ID.slice(1)] }, refusedBy: "pinpoint_application_ids" },
  { name: "a duplicate app id", variables: { pinpoint_application_ids: [APP_ID, APP_ID] }, refusedBy: "pinpoint_application_ids" },
  { name: "* as an app id", variables: { pinpoint_application_ids: ["*"] }, refusedBy: "pinpoint_application_ids" },
  { name: "a Region that is not one", variables: { region: "useast1" }, refusedBy: "region" },
  { name: "a policy_name of 129 characters", variables: { policy_name: "p".repeat(129) }, refusedBy: "policy_name" },
  { name: "18 Pinpoint app ids", variables: { pinpoint_application_ids: appIds(18) }, refusedBy: "pinpoint_application_ids" },
  { name: "124 identities of 20 characters", variables: { ses_identities: identities(124) }, refusedBy: "ses_identities" },
];

/**
 * The construct props for a case's variables: the same values, where a null
 * variable is a prop left out, and an empty `pinpoint_application_ids` (the
 * module's "any project") too.
 */
export function propsOf(variables: ModuleCase["variables"]): PinpointSesSendingRoleProps {
  const props: { [option: string]: unknown } = {};
  for (const [option, input] of Object.entries(MODULE_INPUTS)) {
    if (!isExported(input) || !(input.name in variables)) continue;
    const raw = variables[input.name];
    const value = isGenerated(raw) ? raw.value : raw;
    const unset = value === null || (input.name === "pinpoint_application_ids" && Array.isArray(value) && value.length === 0);
    if (!unset) props[option] = value;
  }
  return props;
}

/** What the mocked data sources answer in the tests. */
export const MOCKED: AccountScope = { partition: "aws", region: "eu-west-1", account: "111122223333" };

/** Every variable set, for the run that checks each reaches the role. */
export const EVERY_VARIABLE = {
  role_name: "pinpoint-email-sender",
  path: "/messaging/",
  description: "Pinpoint sender for the messaging team",
  permissions_boundary_arn: "arn:aws:iam::111122223333:policy/boundaries/pinpoint",
  max_session_duration: 7200,
  tags: { team: "messaging" },
  region: "eu-central-1",
  ses_identities: ["example.com", "news@example.org"],
  configuration_sets: ["marketing"],
  pinpoint_application_ids: [APP_ID, "fedcba9876543210fedcba9876543210"],
  policy_name: "ses-send",
} as const;

function variablesBlock(variables: ModuleCase["variables"]): string[] {
  const entries = Object.entries(variables);
  if (entries.length === 0) return [];
  return ["variables {", ...entries.map(([name, value]) => `${name} = ${isGenerated(value) ? value.hcl : hclValue(value)}`), "}"];
}

const assertion = (condition: string, message: string) =>
  ["assert {", `condition = ${condition}`, `error_message = ${hclString(message)}`, "}"];

/** `jsondecode(attribute)` equals the document, compared as values. */
const sameDocument = (attribute: string, document: object, message: string) =>
  assertion(`jsondecode(${attribute}) == jsondecode(${hclString(JSON.stringify(document))})`, message);

const HEADER = [
  "# Written by `npm run export-module` from app/module-tests.ts; edit that file, not this one.",
  "# The data sources answer as in an account 111122223333 whose provider is in eu-west-1.",
  "mock_provider \"aws\" {",
  `mock_data "aws_partition" { defaults = { partition = "${MOCKED.partition}" } }`,
  `mock_data "aws_caller_identity" { defaults = { account_id = "${MOCKED.account}" } }`,
  `mock_data "aws_region" { defaults = { name = "${MOCKED.region}" } }`,
  "}",
];

/** `tests/plan.tftest.hcl`: the module plans with defaults and with every variable set. */
export function planTestsHcl(): string {
  const every = { ...MOCKED, region: EVERY_VARIABLE.region };
  const runs = [
    [
      'run "plans_the_aws_procedure_with_defaults" {',
      "command = plan",
      ...sameDocument("aws_iam_role.this.assume_role_policy", pinpointTrustPolicy(MOCKED),
        "the trust policy is not the AWS procedure's, for the caller's account"),
      ...sameDocument("aws_iam_role_policy.this.policy", sesSendingPolicy(MOCKED),
        "the permissions policy is not the AWS procedure's, for all identities and configuration sets of the Region"),
      ...assertion('aws_iam_role.this.name_prefix == "pinpoint-ses-sending-"', "the role is not named from the default prefix"),
      ...assertion('aws_iam_role.this.path == "/" && aws_iam_role.this.max_session_duration == 3600',
        "the role's path or session duration is not the default"),
      ...assertion('aws_iam_role_policy.this.name == "PinpointUsesSESForEmailSends"', "the policy is not named as in the AWS procedure"),
      "}",
    ],
    [
      'run "plans_every_variable_as_given" {',
      "command = plan",
      ...variablesBlock(EVERY_VARIABLE),
      ...sameDocument("aws_iam_role.this.assume_role_policy",
        pinpointTrustPolicy(every, EVERY_VARIABLE.pinpoint_application_ids), "the trust policy is not narrowed to the two apps"),
      ...sameDocument("aws_iam_role_policy.this.policy",
        sesSendingPolicy(every, EVERY_VARIABLE.ses_identities, EVERY_VARIABLE.configuration_sets),
        "the permissions policy is not narrowed to the identities and the configuration set, in the given Region"),
      // name_prefix is computed by the provider when not set, so unknown in a plan: the name is what shows.
      ...assertion(`aws_iam_role.this.name == "${EVERY_VARIABLE.role_name}"`, "the role does not have exactly the given name"),
      ...assertion([
        `aws_iam_role.this.path == "${EVERY_VARIABLE.path}"`,
        `aws_iam_role.this.description == "${EVERY_VARIABLE.description}"`,
        `aws_iam_role.this.permissions_boundary == "${EVERY_VARIABLE.permissions_boundary_arn}"`,
        `aws_iam_role.this.max_session_duration == ${EVERY_VARIABLE.max_session_duration}`,
        `aws_iam_role.this.tags == tomap(${hclValue(EVERY_VARIABLE.tags)})`,
        `aws_iam_role_policy.this.name == "${EVERY_VARIABLE.policy_name}"`,
      ].join(" && "), "a role or policy attribute is not as given"),
      "}",
    ],
    [
      'run "names_the_role_from_a_given_prefix" {',
      "command = plan",
      ...variablesBlock({ role_name_prefix: "team-a-" }),
      ...assertion('aws_iam_role.this.name_prefix == "team-a-"', "the role is not named from the given prefix"),
      "}",
    ],
  ];
  return `${HEADER.join("\n")}\n\n${runs.map((run) => run.join("\n")).join("\n\n")}\n`;
}

/** Variables whose validations read each other: a run may set only one case's worth of each group. */
const INTERACTING: readonly string[][] = [
  ["role_name", "role_name_prefix"],
  ["ses_identities", "configuration_sets", "region", "pinpoint_application_ids"],
];

/** The variables a case sets, with every variable their validations read. */
function touched(testCase: ModuleCase): Set<string> {
  return new Set(Object.keys(testCase.variables)
    .flatMap((name) => INTERACTING.find((group) => group.includes(name)) ?? [name]));
}

/**
 * The cases packed into as few runs as keep them apart: no two cases in a run
 * touch the same variable. Each run of refused cases expects every one of its
 * variables to fail, and Terraform reports each expected failure that does
 * not happen, so a case cannot hide behind another. (One plan per case took a
 * minute; packed, a few seconds.)
 */
export function packed(cases: readonly ModuleCase[]): ModuleCase[][] {
  const runs: Array<{ cases: ModuleCase[]; touched: Set<string> }> = [];
  for (const testCase of cases) {
    const mine = touched(testCase);
    let run = runs.find((candidate) => [...mine].every((name) => !candidate.touched.has(name)));
    if (!run) runs.push(run = { cases: [], touched: new Set() });
    run.cases.push(testCase);
    mine.forEach((name) => run?.touched.add(name));
  }
  return runs.map((run) => run.cases);
}

/** `tests/validation.tftest.hcl`: the cases of {@link ACCEPTED} plan; each of {@link REFUSED} fails its variable's validation. */
export function validationTestsHcl(): string {
  const runOf = (kind: "accepts" | "refuses", cases: ModuleCase[], index: number) => [
    `run "${kind}_${index + 1}" {`,
    ...cases.map((testCase) => `# ${kind} ${testCase.name}${testCase.refusedBy ? ` (var.${testCase.refusedBy})` : ""}`),
    "command = plan",
    ...variablesBlock(Object.assign({}, ...cases.map((testCase) => testCase.variables))),
    ...(kind === "refuses" ? [`expect_failures = [${cases.map((testCase) => `var.${testCase.refusedBy}`).join(", ")}]`] : []),
    "}",
  ];
  const runs = [
    ...packed(ACCEPTED).map((cases, i) => runOf("accepts", cases, i)),
    ...packed(REFUSED).map((cases, i) => runOf("refuses", cases, i)),
  ];
  return `${HEADER.join("\n")}\n\n${runs.map((run) => run.join("\n")).join("\n\n")}\n`;
}
