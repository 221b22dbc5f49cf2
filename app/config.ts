/**
 * Configuration of the app, read from environment variables (first) and
 * cdktf.json context (second), and from a deployments file when one is named.
 * Only this file and main.ts read the environment or files; the construct
 * gets plain props.
 */
import * as fs from "fs";
import type { AssumeRoleConfig, Deployment, EmailChannelConfig, RoleOptions } from "./deployments";
import type { SettingKind } from "./schema";

/** Stack names double as folder names and S3 key parts. */
export const STACK_NAME = /^[A-Za-z0-9_-]{1,64}$/;
export const STACK_NAME_RULE = "is not a valid stack name (1 to 64 of [A-Za-z0-9_-])";

/**
 * The schema (and valibot) is loaded only when there is a value to check: a
 * synth with default settings does not pay for it.
 */
const schema = (): typeof import("./schema") => require("./schema");

/** Where Terraform keeps state for the stack. */
export type StateBackend =
  | { readonly kind: "local" }
  | CloudBackendConfig
  | { readonly kind: "s3"; readonly bucket: string; readonly key: string; readonly region: string };

/**
 * Terraform Cloud (or Enterprise): one named workspace, or the workspaces
 * carrying all of `workspaceTags` (Terraform then picks one with
 * `terraform workspace select` or TF_WORKSPACE at run time).
 */
export interface CloudBackendConfig {
  readonly kind: "cloud";
  readonly organization: string;
  readonly workspace?: string;
  readonly workspaceTags?: string[];
  readonly project?: string;
  readonly hostname?: string;
}

/** Everything main.ts needs to build one stack. */
export interface AppConfig extends RoleOptions {
  readonly stackName: string;
  readonly region: string;
  readonly backend: StateBackend;
  /** The provider assumes this role: the stack's account. @default - the ambient credentials' account */
  readonly assumeRole?: AssumeRoleConfig;
  /** Where the configuration came from, for messages: a deployments file entry. @default - environment and context */
  readonly source?: string;
}

export type { AssumeRoleConfig, EmailChannelConfig, RoleOptions };

/** One setting: its environment variable, its cdktf.json context key and the kind of value it takes. */
interface Setting {
  readonly env: string;
  readonly context: string;
  readonly kind: SettingKind;
}

const setting = <K extends SettingKind = "text">(env: string, context: string, kind: K = "text" as K) =>
  ({ env, context, kind }) as const;

/** Every setting the app reads, documented in the README's Configuration table. */
export const SETTINGS = {
  stackName: setting("PINPOINT_SES_STACK_NAME", "stackName"),
  region: setting("PINPOINT_SES_REGION", "region"),
  roleName: setting("PINPOINT_SES_ROLE_NAME", "roleName"),
  roleNamePrefix: setting("PINPOINT_SES_ROLE_NAME_PREFIX", "roleNamePrefix"),
  permissionsBoundaryArn: setting("PINPOINT_SES_PERMISSIONS_BOUNDARY_ARN", "permissionsBoundaryArn"),
  sesIdentities: setting("PINPOINT_SES_IDENTITIES", "sesIdentities", "list"),
  configurationSets: setting("PINPOINT_SES_CONFIGURATION_SETS", "configurationSets", "list"),
  pinpointApplicationIds: setting("PINPOINT_SES_APPLICATION_IDS", "pinpointApplicationIds", "list"),
  tags: setting("PINPOINT_SES_TAGS", "tags", "map"),
  stateBucket: setting("PINPOINT_SES_STATE_BUCKET", "stateBucket"),
  stateKey: setting("PINPOINT_SES_STATE_KEY", "stateKey"),
  stateRegion: setting("PINPOINT_SES_STATE_REGION", "stateRegion"),
  cloudOrganization: setting("TF_CLOUD_ORGANIZATION", "cloudOrganization"),
  cloudWorkspace: setting("TF_WORKSPACE", "cloudWorkspace"),
  cloudHostname: setting("TF_CLOUD_HOSTNAME", "cloudHostname"),
  cloudProject: setting("TF_CLOUD_PROJECT", "cloudProject"),
  cloudWorkspaceTags: setting("TF_CLOUD_WORKSPACE_TAGS", "cloudWorkspaceTags", "list"),
  deploymentsFile: setting("PINPOINT_SES_DEPLOYMENTS_FILE", "deploymentsFile"),
} as const;

export const DEFAULT_STACK_NAME = "pinpoint-ses-sending-role";
export const DEFAULT_REGION = "us-east-1";
/** Where `{stack}` in the S3 state key stands for the stack's name. */
export const STACK_PLACEHOLDER = "{stack}";
export const DEFAULT_STATE_KEY = `${STACK_PLACEHOLDER}/terraform.tfstate`;
/** Terraform Cloud tags: letters, digits, `:`, `_` and `-`, starting and ending with a letter or digit. */
const WORKSPACE_TAG = /^[A-Za-z0-9]([A-Za-z0-9:_-]{0,253}[A-Za-z0-9])?$/;

/** The settings a deployments file takes over: each entry has its own. */
const PER_DEPLOYMENT: ReadonlyArray<keyof typeof SETTINGS> = ["stackName", "region", "roleName", "roleNamePrefix",
  "permissionsBoundaryArn", "sesIdentities", "configurationSets", "pinpointApplicationIds", "tags", "cloudWorkspace"];

type Env = { readonly [name: string]: string | undefined };
type Context = (key: string) => unknown;

/** Names where a value came from, for error messages. */
function source(setting: Setting, fromEnv: boolean): string {
  return fromEnv ? `environment variable ${setting.env}` : `cdktf.json context "${setting.context}"`;
}

/** An environment variable's text as a value of the setting's kind: lists comma-separated, maps as JSON. */
function fromEnvText(setting: Setting, text: string): unknown {
  if (setting.kind === "list") return text.split(",").map((item) => item.trim());
  if (setting.kind === "text") return text;
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`${source(setting, true)} is ${JSON.stringify(text)}; expected a JSON object like {"team":"messaging"}`);
  }
}

type SettingValue<K extends SettingKind> = { text: string; list: string[]; map: { [key: string]: string } }[K];

class Reader {
  constructor(private readonly env: Env, private readonly context: Context) {}

  private fromEnv(setting: Setting): string | undefined {
    const value = this.env[setting.env];
    return value === undefined || value === "" ? undefined : value;
  }

  /** Whether the setting has a value, in the environment or the context. */
  isSet(setting: Setting): boolean {
    const fromContext = this.context(setting.context);
    return this.fromEnv(setting) !== undefined || (fromContext !== undefined && fromContext !== null);
  }

  /** Where the setting's value comes from, for messages. */
  where(setting: Setting): string {
    return source(setting, this.fromEnv(setting) !== undefined);
  }

  /** The setting's value, checked against its kind's schema; the variable wins over the context. */
  value<S extends Setting>(setting: S): SettingValue<S["kind"]> | undefined {
    const text = this.fromEnv(setting);
    const value = text !== undefined ? fromEnvText(setting, text) : this.context(setting.context);
    if (value === undefined || value === null) return undefined;
    const { isOfKind, SETTING_KINDS } = schema();
    if (!isOfKind(setting.kind, value)) {
      throw new Error(`${source(setting, text !== undefined)} is ${JSON.stringify(value)}; ` +
        `expected ${SETTING_KINDS[setting.kind].expected}`);
    }
    return value as SettingValue<S["kind"]>;
  }
}

/**
 * Reads the configuration of the app's one stack. Throws with the variable or
 * context key named when a value has the wrong shape; the construct checks
 * the values.
 */
export function loadAppConfig(env: Env, context: Context): AppConfig {
  const read = new Reader(env, context);
  const stackName = read.value(SETTINGS.stackName) ?? DEFAULT_STACK_NAME;
  if (!STACK_NAME.test(stackName)) {
    throw new Error(`${SETTINGS.stackName.env} ${JSON.stringify(stackName)} ${STACK_NAME_RULE}`);
  }
  const region = read.value(SETTINGS.region) ?? DEFAULT_REGION;
  return {
    stackName,
    region,
    roleName: read.value(SETTINGS.roleName),
    roleNamePrefix: read.value(SETTINGS.roleNamePrefix),
    permissionsBoundaryArn: read.value(SETTINGS.permissionsBoundaryArn),
    sesIdentities: read.value(SETTINGS.sesIdentities),
    configurationSets: read.value(SETTINGS.configurationSets),
    pinpointApplicationIds: read.value(SETTINGS.pinpointApplicationIds),
    tags: read.value(SETTINGS.tags),
    backend: readBackend(read, { stackName, workspace: read.value(SETTINGS.cloudWorkspace) }, region, false),
  };
}

/**
 * Reads the configuration of every stack: one per entry of the deployments
 * file when PINPOINT_SES_DEPLOYMENTS_FILE (or context `deploymentsFile`)
 * names one, otherwise the one stack of {@link loadAppConfig}. With a file,
 * environment and context give only what the stacks share: where state goes.
 */
export function loadAppConfigs(
  env: Env,
  context: Context,
  readFile: (file: string) => string = (file) => fs.readFileSync(file, "utf8"),
): AppConfig[] {
  const read = new Reader(env, context);
  const file = read.value(SETTINGS.deploymentsFile);
  if (file === undefined) return [loadAppConfig(env, context)];
  for (const name of PER_DEPLOYMENT) {
    if (read.isSet(SETTINGS[name])) {
      throw new Error(`${read.where(SETTINGS[name])} is set, but the deployments file ${file} ` +
        `(${SETTINGS.deploymentsFile.env}) gives each deployment its own; set it in the file, or unset it`);
    }
  }
  let text: string;
  try {
    text = readFile(file);
  } catch (error) {
    throw new Error(`${SETTINGS.deploymentsFile.env} names ${JSON.stringify(file)}, which cannot be read: ` +
      `${(error as Error).message}`);
  }
  // The state bucket is in one Region for all stacks: not a deployment's.
  const stateRegion = read.value(SETTINGS.stateRegion) ?? DEFAULT_REGION;
  const { parseDeployments } = require("./deployments") as typeof import("./deployments");
  return parseDeployments(text, file).map((deployment) => configOf(deployment, file, read, stateRegion));
}

function configOf(deployment: Deployment, file: string, read: Reader, stateRegion: string): AppConfig {
  return {
    ...deployment.options,
    stackName: deployment.name,
    region: deployment.region,
    assumeRole: deployment.assumeRole,
    source: `${deployment.where} in ${file}`,
    backend: readBackend(read, { stackName: deployment.name, workspace: deployment.workspace ?? deployment.name },
      stateRegion, true),
  };
}

/** What names one stack's state: its S3 key part and its Terraform Cloud workspace. */
interface StackState {
  readonly stackName: string;
  readonly workspace?: string;
}

function readBackend(read: Reader, stack: StackState, region: string, manyStacks: boolean): StateBackend {
  const organization = read.value(SETTINGS.cloudOrganization);
  const tags = read.value(SETTINGS.cloudWorkspaceTags);
  const bucket = read.value(SETTINGS.stateBucket);
  if (organization === undefined) {
    const orphan = [SETTINGS.cloudWorkspace, SETTINGS.cloudWorkspaceTags, SETTINGS.cloudProject, SETTINGS.cloudHostname]
      .find((setting) => read.isSet(setting));
    if (orphan) {
      throw new Error(`Terraform Cloud needs ${SETTINGS.cloudOrganization.env}; got only ${read.where(orphan)}`);
    }
  } else {
    if (bucket !== undefined) {
      throw new Error(`${SETTINGS.stateBucket.env} ${JSON.stringify(bucket)} and Terraform Cloud ` +
        `(${SETTINGS.cloudOrganization.env}) are both set; state goes to one backend, choose one`);
    }
    return cloudBackend(read, organization, tags, stack, manyStacks);
  }
  if (bucket !== undefined) {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
      throw new Error(`${SETTINGS.stateBucket.env} ${JSON.stringify(bucket)} is not an S3 bucket name ` +
        "(3 to 63 of lowercase letters, digits, dots and hyphens)");
    }
    const key = read.value(SETTINGS.stateKey) ?? DEFAULT_STATE_KEY;
    if (manyStacks && !key.includes(STACK_PLACEHOLDER)) {
      throw new Error(`${SETTINGS.stateKey.env} ${JSON.stringify(key)} has no ${STACK_PLACEHOLDER}, so every ` +
        `deployment would write its state to one object; put ${STACK_PLACEHOLDER} where the deployment's name goes`);
    }
    return {
      kind: "s3",
      bucket,
      key: key.split(STACK_PLACEHOLDER).join(stack.stackName),
      region: read.value(SETTINGS.stateRegion) ?? region,
    };
  }
  return { kind: "local" };
}

function cloudBackend(
  read: Reader, organization: string, tags: string[] | undefined, stack: StackState, manyStacks: boolean,
): CloudBackendConfig {
  const common = { kind: "cloud" as const, organization, project: read.value(SETTINGS.cloudProject),
    hostname: read.value(SETTINGS.cloudHostname) };
  if (tags !== undefined) {
    if (manyStacks) {
      throw new Error(`${read.where(SETTINGS.cloudWorkspaceTags)} is set, but with a deployments file each ` +
        "deployment has a workspace of its own (its \"workspace\", or its name); tags would give them all one");
    }
    const bad = tags.find((tag) => !WORKSPACE_TAG.test(tag));
    if (tags.length === 0 || bad !== undefined) {
      throw new Error(`${read.where(SETTINGS.cloudWorkspaceTags)} ${JSON.stringify(tags)} ` +
        (bad === undefined ? "is empty" : `has ${JSON.stringify(bad)}, which is not a workspace tag`) +
        " (1 to 255 of letters, digits, :, _ and -, starting and ending with a letter or digit)");
    }
    // TF_WORKSPACE, if set, is left to Terraform: it picks one of the tagged workspaces.
    return { ...common, workspaceTags: tags };
  }
  if (stack.workspace === undefined) {
    throw new Error(`Terraform Cloud needs a workspace: ${SETTINGS.cloudWorkspace.env} (one named workspace) or ` +
      `${SETTINGS.cloudWorkspaceTags.env} (comma-separated tags); got only ${SETTINGS.cloudOrganization.env}`);
  }
  return { ...common, workspace: stack.workspace };
}
