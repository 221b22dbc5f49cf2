/**
 * Configuration of the app, read from environment variables (first) and
 * cdktf.json context (second), and from a deployments file when one is named.
 * Only this file and main.ts read the environment or files; the construct
 * gets plain props.
 */
import * as fs from "fs";
import type { AssumeRoleConfig, RoleOptions } from "./deployments";
import type { SettingKind } from "./schema";
import { STACK_NAME, STACK_NAME_RULE } from "./stack-name";

/**
 * Where Terraform keeps state for the stack. Terraform Cloud (or Enterprise): one named workspace, or the workspaces
 * carrying all of `workspaceTags` (Terraform then picks one with `terraform workspace select` or TF_WORKSPACE at run time).
 */
export type StateBackend =
  | { readonly kind: "local" }
  | { readonly kind: "cloud"; readonly organization: string; readonly workspace?: string; readonly workspaceTags?: string[];
    readonly project?: string; readonly hostname?: string }
  | { readonly kind: "s3"; readonly bucket: string; readonly key: string; readonly region: string };

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

const setting = <K extends SettingKind = "text">(env: string, kind: K = "text" as K) => ({ env, kind }) as const;

/**
 * Every setting the app reads, by its cdktf.json context key: its environment
 * variable and the kind of value it takes (the README's Configuration table).
 */
const SETTINGS = {
  stackName: setting("PINPOINT_SES_STACK_NAME"),
  region: setting("PINPOINT_SES_REGION"),
  roleName: setting("PINPOINT_SES_ROLE_NAME"),
  roleNamePrefix: setting("PINPOINT_SES_ROLE_NAME_PREFIX"),
  permissionsBoundaryArn: setting("PINPOINT_SES_PERMISSIONS_BOUNDARY_ARN"),
  sesIdentities: setting("PINPOINT_SES_IDENTITIES", "list"),
  configurationSets: setting("PINPOINT_SES_CONFIGURATION_SETS", "list"),
  pinpointApplicationIds: setting("PINPOINT_SES_APPLICATION_IDS", "list"),
  tags: setting("PINPOINT_SES_TAGS", "map"),
  stateBucket: setting("PINPOINT_SES_STATE_BUCKET"),
  stateKey: setting("PINPOINT_SES_STATE_KEY"),
  stateRegion: setting("PINPOINT_SES_STATE_REGION"),
  cloudOrganization: setting("TF_CLOUD_ORGANIZATION"),
  cloudWorkspace: setting("TF_WORKSPACE"),
  cloudHostname: setting("TF_CLOUD_HOSTNAME"),
  cloudProject: setting("TF_CLOUD_PROJECT"),
  cloudWorkspaceTags: setting("TF_CLOUD_WORKSPACE_TAGS", "list"),
  deploymentsFile: setting("PINPOINT_SES_DEPLOYMENTS_FILE"),
} as const;
type SettingName = keyof typeof SETTINGS;
type SettingValue<N extends SettingName> =
  { text: string; list: string[]; map: { [key: string]: string } }[(typeof SETTINGS)[N]["kind"]];

export const DEFAULT_STACK_NAME = "pinpoint-ses-sending-role";
export const DEFAULT_REGION = "us-east-1";
/** Where `{stack}` in the S3 state key stands for the stack's name. */
const STACK_PLACEHOLDER = "{stack}";

/** The role options that settings give, each under its own name. */
const ROLE_SETTINGS = ["roleName", "roleNamePrefix", "permissionsBoundaryArn", "sesIdentities", "configurationSets",
  "pinpointApplicationIds", "tags"] as const;

type Env = { readonly [name: string]: string | undefined };
type Context = (key: string) => unknown;

/** The settings of `env` and `context`; a variable wins over the context, and an empty one is unset. */
function settingsOf(env: Env, context: Context) {
  const fromEnv = (name: SettingName) => env[SETTINGS[name].env] || undefined;
  const source = (name: SettingName, inEnv: boolean) =>
    (inEnv ? `environment variable ${SETTINGS[name].env}` : `cdktf.json context "${name}"`);
  return {
    /** Where the value of the first of `names` that has one comes from, for messages; undefined when none has. */
    whereSet(...names: SettingName[]): string | undefined {
      const name = names.find((each) => fromEnv(each) !== undefined || (context(each) !== undefined && context(each) !== null));
      return name && source(name, fromEnv(name) !== undefined);
    },
    /**
     * The setting's value (in a variable, lists comma-separated and maps as JSON), checked against its kind's
     * schema, loaded only then: a synth with default settings does not pay for valibot.
     */
    value<N extends SettingName>(name: N): SettingValue<N> | undefined {
      const kind = SETTINGS[name].kind;
      const text = fromEnv(name);
      let value = text === undefined ? context(name) : text;
      if (value === undefined || value === null) return undefined;
      if (text !== undefined && kind === "list") value = text.split(",").map((item) => item.trim());
      if (text !== undefined && kind === "map") {
        try {
          value = JSON.parse(text);
        } catch {
          throw new Error(`${source(name, true)} is ${JSON.stringify(text)}; expected a JSON object like {"team":"messaging"}`);
        }
      }
      const { is } = require("valibot") as typeof import("valibot");
      const { SETTING_KINDS } = require("./schema") as typeof import("./schema");
      if (!is(SETTING_KINDS[kind].schema, value)) {
        throw new Error(`${source(name, text !== undefined)} is ${JSON.stringify(value)}; ` +
          `expected ${SETTING_KINDS[kind].expected}`);
      }
      return value as SettingValue<N>;
    },
  };
}

/**
 * Reads the configuration of every stack: one per entry of the deployments
 * file when PINPOINT_SES_DEPLOYMENTS_FILE (or context `deploymentsFile`)
 * names one, otherwise the app's one stack. With a file, environment and
 * context give only what the stacks share: where state goes. Throws with the
 * variable, context key or entry named when a value has the wrong shape; the
 * construct checks the values.
 */
export function loadAppConfigs(env: Env, context: Context, readFile = (file: string) => fs.readFileSync(file, "utf8")): AppConfig[] {
  const read = settingsOf(env, context);
  const file = read.value("deploymentsFile");
  if (file === undefined) {
    const stackName = read.value("stackName") ?? DEFAULT_STACK_NAME;
    if (!STACK_NAME.test(stackName)) {
      throw new Error(`${SETTINGS.stackName.env} ${JSON.stringify(stackName)} ${STACK_NAME_RULE}`);
    }
    const region = read.value("region") ?? DEFAULT_REGION;
    const options = Object.fromEntries(ROLE_SETTINGS.map((name) => [name, read.value(name)])) as RoleOptions;
    return [{ stackName, region, ...options, backend: readBackend(read, stackName, read.value("cloudWorkspace"), region, false) }];
  }
  // The settings a deployments file takes over: each entry has its own.
  const perDeployment = read.whereSet("stackName", "region", ...ROLE_SETTINGS, "cloudWorkspace");
  if (perDeployment) {
    throw new Error(`${perDeployment} is set, but the deployments file ${file} ` +
      `(${SETTINGS.deploymentsFile.env}) gives each deployment its own; set it in the file, or unset it`);
  }
  let text: string;
  try {
    text = readFile(file);
  } catch (error) {
    throw new Error(`${SETTINGS.deploymentsFile.env} names ${JSON.stringify(file)}, which cannot be read: ` +
      `${(error as Error).message}`);
  }
  // The state bucket is in one Region for all stacks: not a deployment's.
  const stateRegion = read.value("stateRegion") ?? DEFAULT_REGION;
  const { parseDeployments } = require("./deployments") as typeof import("./deployments");
  return parseDeployments(text, file).map((deployment) => ({
    ...deployment.options,
    stackName: deployment.name,
    region: deployment.region,
    assumeRole: deployment.assumeRole,
    source: `${deployment.where} in ${file}`,
    backend: readBackend(read, deployment.name, deployment.workspace ?? deployment.name, stateRegion, true),
  }));
}

/** The stack's state backend; `stackName` goes in the S3 key, `workspace` names its Terraform Cloud workspace. */
function readBackend(read: ReturnType<typeof settingsOf>, stackName: string, workspace: string | undefined, region: string,
  manyStacks: boolean): StateBackend {
  const organization = read.value("cloudOrganization");
  const tags = read.value("cloudWorkspaceTags");
  const bucket = read.value("stateBucket");
  if (organization !== undefined) {
    if (bucket !== undefined) {
      throw new Error(`${SETTINGS.stateBucket.env} ${JSON.stringify(bucket)} and Terraform Cloud ` +
        `(${SETTINGS.cloudOrganization.env}) are both set; state goes to one backend, choose one`);
    }
    const project = read.value("cloudProject");
    const cloud = { kind: "cloud" as const, organization, project, hostname: read.value("cloudHostname") };
    if (tags === undefined) {
      if (workspace === undefined) {
        throw new Error(`Terraform Cloud needs a workspace: ${SETTINGS.cloudWorkspace.env} (one named workspace) or ` +
          `${SETTINGS.cloudWorkspaceTags.env} (comma-separated tags); got only ${SETTINGS.cloudOrganization.env}`);
      }
      return { ...cloud, workspace };
    }
    if (manyStacks) {
      throw new Error(`${read.whereSet("cloudWorkspaceTags")} is set, but with a deployments file each ` +
        "deployment has a workspace of its own (its \"workspace\", or its name); tags would give them all one");
    }
    const bad = tags.find((tag) => !/^[A-Za-z0-9]([A-Za-z0-9:_-]{0,253}[A-Za-z0-9])?$/.test(tag));
    if (tags.length === 0 || bad !== undefined) {
      throw new Error(`${read.whereSet("cloudWorkspaceTags")} ${JSON.stringify(tags)} ` +
        (bad === undefined ? "is empty" : `has ${JSON.stringify(bad)}, which is not a workspace tag`) +
        " (1 to 255 of letters, digits, :, _ and -, starting and ending with a letter or digit)");
    }
    // TF_WORKSPACE, if set, is left to Terraform: it picks one of the tagged workspaces.
    return { ...cloud, workspaceTags: tags };
  }
  const orphan = read.whereSet("cloudWorkspace", "cloudWorkspaceTags", "cloudProject", "cloudHostname");
  if (orphan) throw new Error(`Terraform Cloud needs ${SETTINGS.cloudOrganization.env}; got only ${orphan}`);
  if (bucket === undefined) return { kind: "local" };
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new Error(`${SETTINGS.stateBucket.env} ${JSON.stringify(bucket)} is not an S3 bucket name ` +
      "(3 to 63 of lowercase letters, digits, dots and hyphens)");
  }
  const key = read.value("stateKey") ?? `${STACK_PLACEHOLDER}/terraform.tfstate`;
  if (manyStacks && !key.includes(STACK_PLACEHOLDER)) {
    throw new Error(`${SETTINGS.stateKey.env} ${JSON.stringify(key)} has no ${STACK_PLACEHOLDER}, so every ` +
      `deployment would write its state to one object; put ${STACK_PLACEHOLDER} where the deployment's name goes`);
  }
  return { kind: "s3", bucket, key: key.split(STACK_PLACEHOLDER).join(stackName), region: read.value("stateRegion") ?? region };
}
