/**
 * The one schema of the app's inputs: the role options and email channel a
 * deployment may give, the deployments file around them, and the kinds of
 * value the environment and cdktf.json settings take. valibot checks shapes
 * and formats here; the construct still checks the role options' values.
 * Its JSON Schema (`@valibot/to-json-schema`) is `deployments.schema.json`,
 * so editors check a deployments file through its `$schema`.
 */
import * as v from "valibot";
import { PATTERNS } from "../modules/iam-limits";
import { STACK_NAME, STACK_NAME_RULE } from "./stack-name";

export const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/([\u0021-\u007E]+\/)*[\w+=,.@-]{1,64}$/;

/** What a value of the wrong type is told, in our words (`; got VALUE` follows). */
const text = v.string("must be a string");
const list = v.array(v.string("must be an array of strings"), "must be an array of strings");
const map = v.record(v.string(), v.string("must be an object of strings"), "must be an object of strings");
/** An object of exactly these fields (valibot's objects alone would also take an array). */
const object = <E extends v.ObjectEntries>(entries: E) => v.pipe(
  v.unknown(),
  v.check((input) => !Array.isArray(input), "must be an object"),
  v.strictObject(entries, (issue) => (issue.expected === "never"
    ? `is not a field here; expected one of ${Object.keys(entries).join(", ")}`
    : "must be an object")),
);
/** A string that must match `pattern`; `rule` completes `"value" …` in the message. */
const matching = (pattern: RegExp, rule: string) => v.pipe(text, v.regex(pattern, rule));

export const EMAIL_CHANNEL = v.pipe(object({
  applicationId: text,
  identity: text,
  fromAddress: text,
  configurationSet: v.optional(text),
  enabled: v.optional(v.boolean("must be true or false")),
}), v.description("The Pinpoint project's email channel, sending through the role"));

export const ROLE_OPTIONS = v.pipe(object({
  roleName: v.optional(text),
  roleNamePrefix: v.optional(text),
  path: v.optional(text),
  description: v.optional(text),
  permissionsBoundaryArn: v.optional(text),
  maxSessionDuration: v.optional(v.number("must be a number")),
  policyName: v.optional(text),
  sesIdentities: v.optional(list),
  configurationSets: v.optional(list),
  pinpointApplicationIds: v.optional(list),
  tags: v.optional(map),
  emailChannel: v.optional(EMAIL_CHANNEL),
}), v.description("Options of the PinpointSesSendingRole construct (checked by the construct at synth)"));

export const DEPLOYMENT = object({
  name: matching(STACK_NAME, STACK_NAME_RULE),
  region: matching(PATTERNS.region, "is not an AWS Region name (like us-east-1, us-gov-west-1 or cn-north-1)"),
  assumeRoleArn: v.optional(matching(ROLE_ARN, "is not an IAM role ARN (arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME)")),
  externalId: v.optional(text),
  sessionName: v.optional(matching(/^[\w+=,.@-]{2,64}$/, "is not an STS session name (2 to 64 of [\\w+=,.@-])")),
  workspace: v.optional(matching(/^[A-Za-z0-9_-]{1,90}$/, "is not a Terraform Cloud workspace name (1 to 90 of [A-Za-z0-9_-])")),
  options: v.optional(ROLE_OPTIONS),
});

export const DEPLOYMENTS_FILE = v.pipe(object({
  $schema: v.optional(text),
  deployments: v.pipe(v.array(DEPLOYMENT), v.minLength(1, "is empty; list at least one")),
}), v.title("pinpoint-ses-sending-role deployments file"), v.description("One stack per account and Region"));

export type DeploymentInput = v.InferOutput<typeof DEPLOYMENT>;

/** The kinds of value a setting takes, and what a wrong one is told it should be. */
export const SETTING_KINDS = {
  text: { schema: text, expected: "a string" },
  list: { schema: list, expected: "an array of strings" },
  map: { schema: map, expected: "an object of string values" },
} as const;
export type SettingKind = keyof typeof SETTING_KINDS;

/** The fields that hold fields: an issue below any other field is reported on that field as a whole (a list, a map). */
const CONTAINERS: readonly PropertyKey[] = ["deployments", "options", "emailChannel"];

/**
 * Parses a deployments file's JSON; on failure throws one line for the first
 * problem, `<where><field> <rule>`, with `where(path)` naming the place
 * (`deployments[1] ("prod")`) and the value received shown.
 */
export function parseDeploymentsFile(input: unknown, where: (path: readonly PropertyKey[]) => string) {
  const result = v.safeParse(DEPLOYMENTS_FILE, input);
  if (result.success) return result.output;
  const issue = result.issues[0];
  const issuePath = (issue.path ?? []).map((item) => item.key as PropertyKey);
  // Index 1 is the entry's place in the deployments list.
  const end = issuePath.findIndex((key, index) => index !== 1 && !CONTAINERS.includes(key));
  const path = end < 0 ? issuePath : issuePath.slice(0, end + 1);
  const value = path.reduce<unknown>((parent, key) => (parent as { [key: PropertyKey]: unknown } | undefined)?.[key], input);
  const at = where(path);
  if (value === undefined) throw new Error(`${at} is missing`);
  if (issue.type === "regex") throw new Error(`${at} ${JSON.stringify(value)} ${issue.message}`);
  if ((issue.kind === "schema" && issue.expected !== "never") || issue.type === "check") {
    throw new Error(`${at} ${issue.message}; got ${JSON.stringify(value)}`);
  }
  throw new Error(`${at} ${issue.message}`);
}
