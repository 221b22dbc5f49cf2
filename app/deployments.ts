/**
 * The deployments file: one entry per account and Region, each of which
 * becomes a stack of its own (own provider, own state). Only the shapes are
 * checked here, with the entry and the field named; the construct checks the
 * values of the role's options as it always does.
 */
import { PinpointSesEmailChannelProps, PinpointSesSendingRoleProps } from "../modules";
import { PATTERNS } from "../modules/iam-limits";
import { partitionOfRegion } from "../modules/partitions";

/** The SES email channel of a deployment: the channel's options but the role and provider, which the stack gives. */
export type EmailChannelConfig = Omit<PinpointSesEmailChannelProps, "sendingRole" | "provider">;

/** The role options a deployment may give: those that are plain values. */
export type RoleOptions = Pick<PinpointSesSendingRoleProps, "roleName" | "roleNamePrefix" | "path" | "description" |
  "permissionsBoundaryArn" | "maxSessionDuration" | "policyName" | "sesIdentities" | "configurationSets" |
  "pinpointApplicationIds" | "tags"> & { readonly emailChannel?: EmailChannelConfig };

/** How the provider reaches the deployment's account. */
export interface AssumeRoleConfig {
  readonly roleArn: string;
  /** The 12-digit account of `roleArn`: the only account the provider may act in. */
  readonly account: string;
  readonly externalId?: string;
  readonly sessionName?: string;
}

/** One entry of the file, checked. */
export interface Deployment {
  /** Where it stands, for messages: `deployments[1] ("prod-eu")`. */
  readonly where: string;
  readonly name: string;
  readonly region: string;
  readonly assumeRole?: AssumeRoleConfig;
  /** Terraform Cloud workspace; defaults to `name`. */
  readonly workspace?: string;
  readonly options: RoleOptions;
}

/** Stack names double as folder names and S3 key parts. */
export const STACK_NAME = /^[A-Za-z0-9_-]{1,64}$/;
/** Terraform Cloud workspace names: letters, digits, `-` and `_`, at most 90. */
export const WORKSPACE_NAME = /^[A-Za-z0-9_-]{1,90}$/;
const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/([\u0021-\u007E]+\/)*[\w+=,.@-]{1,64}$/;
const SESSION_NAME = /^[\w+=,.@-]{2,64}$/;

const ENTRY_FIELDS = ["name", "region", "assumeRoleArn", "externalId", "sessionName", "workspace", "options"];
const OPTION_FIELDS: ReadonlyArray<keyof RoleOptions> = ["roleName", "roleNamePrefix", "path", "description", "permissionsBoundaryArn",
  "maxSessionDuration", "policyName", "sesIdentities", "configurationSets", "pinpointApplicationIds", "tags",
  "emailChannel"];
const CHANNEL_FIELDS: ReadonlyArray<keyof EmailChannelConfig> = ["applicationId", "identity", "fromAddress", "configurationSet", "enabled"];

type Json = { readonly [key: string]: unknown };

const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Reads the fields of one JSON object, failing with its place in the file named. */
class Fields {
  constructor(private readonly where: string, private readonly json: Json, allowed: readonly string[]) {
    for (const key of Object.keys(json)) {
      if (!allowed.includes(key)) this.fail(key, `is not a field here; expected one of ${allowed.join(", ")}`);
    }
  }

  fail(field: string, rule: string): never {
    throw new Error(`${this.where}.${field} ${rule}`);
  }

  private got(field: string): string {
    return `got ${JSON.stringify(this.json[field])}`;
  }

  text(field: string, pattern?: RegExp, rule?: string): string | undefined {
    const value = this.json[field];
    if (value === undefined) return undefined;
    if (typeof value !== "string") this.fail(field, `must be a string; ${this.got(field)}`);
    if (pattern && !pattern.test(value)) this.fail(field, `${JSON.stringify(value)} ${rule}`);
    return value;
  }

  required(field: string, pattern?: RegExp, rule?: string): string {
    const value = this.text(field, pattern, rule);
    if (value === undefined) this.fail(field, "is missing");
    return value;
  }

  number(field: string): number | undefined {
    const value = this.json[field];
    if (value === undefined) return undefined;
    if (typeof value !== "number") this.fail(field, `must be a number; ${this.got(field)}`);
    return value;
  }

  boolean(field: string): boolean | undefined {
    const value = this.json[field];
    if (value === undefined) return undefined;
    if (typeof value !== "boolean") this.fail(field, `must be true or false; ${this.got(field)}`);
    return value;
  }

  list(field: string): string[] | undefined {
    const value = this.json[field];
    if (value === undefined) return undefined;
    if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
      this.fail(field, `must be an array of strings; ${this.got(field)}`);
    }
    return value;
  }

  map(field: string): { [key: string]: string } | undefined {
    const value = this.json[field];
    if (value === undefined) return undefined;
    if (!isObject(value) || !Object.values(value).every((item) => typeof item === "string")) {
      this.fail(field, `must be an object of strings; ${this.got(field)}`);
    }
    return value as { [key: string]: string };
  }

  object(field: string): Json | undefined {
    const value = this.json[field];
    if (value === undefined) return undefined;
    if (!isObject(value)) this.fail(field, `must be an object; ${this.got(field)}`);
    return value;
  }
}

/** Drops the fields that are undefined, so that a config compares equal to what the file says. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function readEmailChannel(where: string, json: Json): EmailChannelConfig {
  const fields = new Fields(where, json, CHANNEL_FIELDS);
  return defined({
    applicationId: fields.required("applicationId"),
    identity: fields.required("identity"),
    fromAddress: fields.required("fromAddress"),
    configurationSet: fields.text("configurationSet"),
    enabled: fields.boolean("enabled"),
  });
}

function readOptions(where: string, json: Json): RoleOptions {
  const fields = new Fields(where, json, OPTION_FIELDS);
  const channel = fields.object("emailChannel");
  return defined({
    roleName: fields.text("roleName"),
    roleNamePrefix: fields.text("roleNamePrefix"),
    path: fields.text("path"),
    description: fields.text("description"),
    permissionsBoundaryArn: fields.text("permissionsBoundaryArn"),
    maxSessionDuration: fields.number("maxSessionDuration"),
    policyName: fields.text("policyName"),
    sesIdentities: fields.list("sesIdentities"),
    configurationSets: fields.list("configurationSets"),
    pinpointApplicationIds: fields.list("pinpointApplicationIds"),
    tags: fields.map("tags"),
    emailChannel: channel && readEmailChannel(`${where}.emailChannel`, channel),
  });
}

function readAssumeRole(fields: Fields, region: string): AssumeRoleConfig | undefined {
  const roleArn = fields.text("assumeRoleArn", ROLE_ARN,
    "is not an IAM role ARN (arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME)");
  const externalId = fields.text("externalId");
  const sessionName = fields.text("sessionName", SESSION_NAME, "is not an STS session name (2 to 64 of [\\w+=,.@-])");
  if (roleArn === undefined) {
    if (externalId !== undefined) fields.fail("externalId", "needs assumeRoleArn: it is sent when assuming that role");
    if (sessionName !== undefined) fields.fail("sessionName", "needs assumeRoleArn: it names the session of that role");
    return undefined;
  }
  const [, partition, account] = ROLE_ARN.exec(roleArn) as RegExpExecArray;
  if (partition !== partitionOfRegion(region)) {
    fields.fail("assumeRoleArn", `${JSON.stringify(roleArn)} is in partition ${partition}, but region ` +
      `${JSON.stringify(region)} is in ${partitionOfRegion(region)}; a role is assumed in its own partition`);
  }
  return defined({ roleArn, account, externalId, sessionName });
}

function readDeployment(index: number, entry: unknown): Deployment {
  const at = `deployments[${index}]`;
  if (!isObject(entry)) throw new Error(`${at} must be an object; got ${JSON.stringify(entry)}`);
  const name = typeof entry.name === "string" ? entry.name : undefined;
  const where = name === undefined ? at : `${at} (${JSON.stringify(name)})`;
  const fields = new Fields(where, entry, ENTRY_FIELDS);
  fields.required("name", STACK_NAME, "is not a valid stack name (1 to 64 of [A-Za-z0-9_-])");
  const region = fields.required("region", PATTERNS.region,
    "is not an AWS Region name (like us-east-1, us-gov-west-1 or cn-north-1)");
  const options = fields.object("options");
  return defined({
    where,
    name: name as string,
    region,
    assumeRole: readAssumeRole(fields, region),
    workspace: fields.text("workspace", WORKSPACE_NAME,
      "is not a Terraform Cloud workspace name (1 to 90 of [A-Za-z0-9_-])"),
    options: options === undefined ? {} : readOptions(`${where}.options`, options),
  });
}

/**
 * Parses and checks the text of a deployments file: `{"deployments": [ … ]}`
 * with at least one entry and no two with the same name. `file` names the
 * file in messages.
 */
export function parseDeployments(text: string, file: string): Deployment[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`deployments file ${file} is not JSON: ${(error as Error).message}`);
  }
  const fail = (message: string): never => {
    throw new Error(`deployments file ${file}: ${message}`);
  };
  if (!isObject(json) || !Array.isArray(json.deployments)) {
    fail('expected an object with an array "deployments", like {"deployments": [{"name": "prod", "region": "us-east-1"}]}');
  }
  const extra = Object.keys(json as Json).filter((key) => key !== "deployments");
  if (extra.length > 0) fail(`${extra[0]} is not a field here; expected only "deployments"`);
  const entries = (json as Json).deployments as unknown[];
  if (entries.length === 0) fail("deployments is empty; list at least one");
  const deployments: Deployment[] = [];
  for (const [index, entry] of entries.entries()) {
    try {
      deployments.push(readDeployment(index, entry));
    } catch (error) {
      fail((error as Error).message);
    }
  }
  const first = new Map<string, string>();
  for (const deployment of deployments) {
    for (const [kind, value] of [["name", deployment.name], ["workspace", deployment.workspace ?? deployment.name]]) {
      const key = `${kind}:${value.toLowerCase()}`;
      const earlier = first.get(key);
      if (earlier) {
        fail(`${deployment.where}.${kind} ${JSON.stringify(value)} is also the ${kind} of ${earlier}; ` +
          `each deployment needs its own${kind === "name" ? " stack and state" : " workspace"}`);
      }
      first.set(key, deployment.where);
    }
  }
  return deployments;
}
