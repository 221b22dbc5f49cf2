/**
 * The one schema of the app's inputs: the role options and email channel a
 * deployment may give, the deployments file around them, and the kinds of
 * value the environment and cdktf.json settings take. zod checks shapes and
 * formats here; the construct still checks the role options' values.
 * `z.toJSONSchema(DEPLOYMENTS_FILE)` is what `deployments.schema.json` holds,
 * so editors check a deployments file through its `$schema`.
 */
import { z } from "zod";
import { PATTERNS } from "../modules/iam-limits";

/** Stack names double as folder names and S3 key parts. */
export const STACK_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** Terraform Cloud workspace names: letters, digits, `-` and `_`, at most 90. */
export const WORKSPACE_NAME = /^[A-Za-z0-9_-]{1,90}$/;
export const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/([\u0021-\u007E]+\/)*[\w+=,.@-]{1,64}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

const text = z.string();
const list = z.array(z.string());
const map = z.record(z.string(), z.string());
/** A string that must match `pattern`; `rule` completes `"value" …` in the message. */
const matching = (pattern: RegExp, rule: string) => z.string().regex(pattern, { error: rule });

export const STACK_NAME_RULE = "is not a valid stack name (1 to 64 of [A-Za-z0-9_-])";
export const REGION_RULE = "is not an AWS Region name (like us-east-1, us-gov-west-1 or cn-north-1)";

export const EMAIL_CHANNEL = z.strictObject({
  applicationId: text,
  identity: text,
  fromAddress: text,
  configurationSet: text.optional(),
  enabled: z.boolean().optional(),
}).meta({ description: "The Pinpoint project's email channel, sending through the role" });

export const ROLE_OPTIONS = z.strictObject({
  roleName: text.optional(),
  roleNamePrefix: text.optional(),
  path: text.optional(),
  description: text.optional(),
  permissionsBoundaryArn: text.optional(),
  maxSessionDuration: z.number().optional(),
  policyName: text.optional(),
  sesIdentities: list.optional(),
  configurationSets: list.optional(),
  pinpointApplicationIds: list.optional(),
  tags: map.optional(),
  emailChannel: EMAIL_CHANNEL.optional(),
}).meta({ description: "Options of the PinpointSesSendingRole construct (checked by the construct at synth)" });

export const DEPLOYMENT = z.strictObject({
  name: matching(STACK_NAME, STACK_NAME_RULE),
  region: matching(PATTERNS.region, REGION_RULE),
  assumeRoleArn: matching(ROLE_ARN, "is not an IAM role ARN (arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME)").optional(),
  externalId: text.optional(),
  sessionName: matching(SESSION_NAME, "is not an STS session name (2 to 64 of [\\w+=,.@-])").optional(),
  workspace: matching(WORKSPACE_NAME, "is not a Terraform Cloud workspace name (1 to 90 of [A-Za-z0-9_-])").optional(),
  options: ROLE_OPTIONS.optional(),
});

export const DEPLOYMENTS_FILE = z.strictObject({
  $schema: text.optional(),
  deployments: z.array(DEPLOYMENT).min(1),
}).meta({ title: "pinpoint-ses-sending-role deployments file", description: "One stack per account and Region" });

export type RoleOptionsInput = z.infer<typeof ROLE_OPTIONS>;
export type DeploymentInput = z.infer<typeof DEPLOYMENT>;

/** The kinds of value a setting takes, with how the environment writes each. */
export const SETTING_KINDS = {
  text: { schema: text, expected: "a string" },
  list: { schema: list, expected: "an array of strings" },
  map: { schema: map, expected: "an object of string values" },
} as const;
export type SettingKind = keyof typeof SETTING_KINDS;

/** What an invalid_type issue says for each kind of schema, in our words. */
const TYPE_RULES: { readonly [type: string]: string } = {
  string: "must be a string",
  number: "must be a number",
  boolean: "must be true or false",
  array: "must be an array of strings",
  record: "must be an object of strings",
  object: "must be an object",
};

/** The schema at `path`, and the path cut where a list or map begins (its elements are reported as the whole). */
function fieldAt(schema: z.ZodType, path: readonly PropertyKey[]): { schema: z.ZodType; path: PropertyKey[] } {
  let current = schema;
  const walked: PropertyKey[] = [];
  for (const key of path) {
    while (current instanceof z.ZodOptional) current = current.unwrap() as z.ZodType;
    if (current instanceof z.ZodObject) current = current.shape[key as string];
    else if (current instanceof z.ZodArray && current.element instanceof z.ZodObject) current = current.element;
    else break;
    walked.push(key);
    if (current === undefined) break;
  }
  while (current instanceof z.ZodOptional) current = current.unwrap() as z.ZodType;
  return { schema: current, path: walked };
}

const valueAt = (input: unknown, path: readonly PropertyKey[]): unknown =>
  path.reduce<unknown>((value, key) => (value as { [key: PropertyKey]: unknown } | undefined)?.[key], input);

/**
 * The first problem of a failed parse, as one line: `<where><field> <rule>`,
 * with `where(path)` naming the place (`deployments[1] ("prod")`) and the
 * value received shown.
 */
export function describeIssue(
  schema: z.ZodType,
  input: unknown,
  error: z.ZodError,
  where: (path: readonly PropertyKey[]) => string,
): string {
  const issue = error.issues[0];
  const field = fieldAt(schema, issue.path);
  const value = valueAt(input, field.path);
  const at = where(field.path);
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = field.schema instanceof z.ZodObject ? Object.keys(field.schema.shape) : [];
      return `${where([...field.path, issue.keys[0]])} is not a field here; expected one of ${allowed.join(", ")}`;
    }
    case "invalid_type":
      if (value === undefined) return `${at} is missing`;
      return `${at} ${TYPE_RULES[field.schema.type] ?? `must be ${issue.expected}`}; got ${JSON.stringify(value)}`;
    case "invalid_format":
      return `${at} ${JSON.stringify(value)} ${issue.message}`;
    case "too_small":
      return `${at} is empty; list at least one`;
    default:
      return `${at} ${issue.message}`;
  }
}
