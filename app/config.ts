/**
 * Configuration of the app, read from environment variables (first) and
 * cdktf.json context (second). Only this file and main.ts read the
 * environment; the construct gets plain props.
 */

/** Where Terraform keeps state for the stack. */
export type StateBackend =
  | { readonly kind: "local" }
  | { readonly kind: "cloud"; readonly organization: string; readonly workspace: string; readonly hostname?: string }
  | { readonly kind: "s3"; readonly bucket: string; readonly key: string; readonly region: string };

/** Everything main.ts needs to build the stack. */
export interface AppConfig {
  readonly stackName: string;
  readonly region: string;
  readonly roleName?: string;
  readonly roleNamePrefix?: string;
  readonly sesIdentities?: string[];
  readonly configurationSets?: string[];
  readonly pinpointApplicationIds?: string[];
  readonly tags?: { [key: string]: string };
  readonly backend: StateBackend;
}

/** One setting: its environment variable and its cdktf.json context key. */
interface Setting {
  readonly env: string;
  readonly context: string;
}

/** Every setting the app reads, documented in the README's Configuration table. */
export const SETTINGS = {
  stackName: { env: "PINPOINT_SES_STACK_NAME", context: "stackName" },
  region: { env: "PINPOINT_SES_REGION", context: "region" },
  roleName: { env: "PINPOINT_SES_ROLE_NAME", context: "roleName" },
  roleNamePrefix: { env: "PINPOINT_SES_ROLE_NAME_PREFIX", context: "roleNamePrefix" },
  sesIdentities: { env: "PINPOINT_SES_IDENTITIES", context: "sesIdentities" },
  configurationSets: { env: "PINPOINT_SES_CONFIGURATION_SETS", context: "configurationSets" },
  pinpointApplicationIds: { env: "PINPOINT_SES_APPLICATION_IDS", context: "pinpointApplicationIds" },
  tags: { env: "PINPOINT_SES_TAGS", context: "tags" },
  stateBucket: { env: "PINPOINT_SES_STATE_BUCKET", context: "stateBucket" },
  stateKey: { env: "PINPOINT_SES_STATE_KEY", context: "stateKey" },
  stateRegion: { env: "PINPOINT_SES_STATE_REGION", context: "stateRegion" },
  cloudOrganization: { env: "TF_CLOUD_ORGANIZATION", context: "cloudOrganization" },
  cloudWorkspace: { env: "TF_WORKSPACE", context: "cloudWorkspace" },
  cloudHostname: { env: "TF_CLOUD_HOSTNAME", context: "cloudHostname" },
} as const satisfies { [name: string]: Setting };

export const DEFAULT_STACK_NAME = "pinpoint-ses-sending-role";
export const DEFAULT_REGION = "us-east-1";

type Env = { readonly [name: string]: string | undefined };
type Context = (key: string) => unknown;

/** Names where a value came from, for error messages. */
function source(setting: Setting, fromEnv: boolean): string {
  return fromEnv ? `environment variable ${setting.env}` : `cdktf.json context "${setting.context}"`;
}

class Reader {
  constructor(private readonly env: Env, private readonly context: Context) {}

  text(setting: Setting): string | undefined {
    const fromEnv = this.env[setting.env];
    if (fromEnv !== undefined && fromEnv !== "") return fromEnv;
    const fromContext = this.context(setting.context);
    if (fromContext === undefined || fromContext === null) return undefined;
    if (typeof fromContext !== "string") {
      throw new Error(`${source(setting, false)} is ${JSON.stringify(fromContext)}; expected a string`);
    }
    return fromContext;
  }

  /** Environment: comma-separated. Context: an array of strings. */
  list(setting: Setting): string[] | undefined {
    const fromEnv = this.env[setting.env];
    if (fromEnv !== undefined && fromEnv !== "") {
      return fromEnv.split(",").map((item) => item.trim());
    }
    const fromContext = this.context(setting.context);
    if (fromContext === undefined || fromContext === null) return undefined;
    if (!Array.isArray(fromContext) || !fromContext.every((item) => typeof item === "string")) {
      throw new Error(`${source(setting, false)} is ${JSON.stringify(fromContext)}; expected an array of strings`);
    }
    return fromContext;
  }

  /** Environment: a JSON object. Context: an object. Values must be strings. */
  map(setting: Setting): { [key: string]: string } | undefined {
    const fromEnv = this.env[setting.env];
    let value: unknown;
    if (fromEnv !== undefined && fromEnv !== "") {
      try {
        value = JSON.parse(fromEnv);
      } catch {
        throw new Error(`${source(setting, true)} is ${JSON.stringify(fromEnv)}; expected a JSON object ` +
          `like {"team":"messaging"}`);
      }
    } else {
      value = this.context(setting.context);
      if (value === undefined || value === null) return undefined;
    }
    const isStringMap = typeof value === "object" && value !== null && !Array.isArray(value) &&
      Object.values(value).every((item) => typeof item === "string");
    if (!isStringMap) {
      throw new Error(`${source(setting, fromEnv !== undefined && fromEnv !== "")} is ${JSON.stringify(value)}; ` +
        "expected an object of string values");
    }
    return value as { [key: string]: string };
  }
}

/**
 * Reads the app's configuration. Throws with the variable or context key
 * named when a value has the wrong shape; the construct checks the values.
 */
export function loadAppConfig(env: Env, context: Context): AppConfig {
  const read = new Reader(env, context);
  const stackName = read.text(SETTINGS.stackName) ?? DEFAULT_STACK_NAME;
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(stackName)) {
    throw new Error(`${SETTINGS.stackName.env} ${JSON.stringify(stackName)} is not a valid stack name ` +
      "(1 to 64 of [A-Za-z0-9_-])");
  }
  const region = read.text(SETTINGS.region) ?? DEFAULT_REGION;
  return {
    stackName,
    region,
    roleName: read.text(SETTINGS.roleName),
    roleNamePrefix: read.text(SETTINGS.roleNamePrefix),
    sesIdentities: read.list(SETTINGS.sesIdentities),
    configurationSets: read.list(SETTINGS.configurationSets),
    pinpointApplicationIds: read.list(SETTINGS.pinpointApplicationIds),
    tags: read.map(SETTINGS.tags),
    backend: readBackend(read, stackName, region),
  };
}

function readBackend(read: Reader, stackName: string, region: string): StateBackend {
  const organization = read.text(SETTINGS.cloudOrganization);
  const workspace = read.text(SETTINGS.cloudWorkspace);
  const bucket = read.text(SETTINGS.stateBucket);
  if ((organization === undefined) !== (workspace === undefined)) {
    throw new Error(`Terraform Cloud needs both ${SETTINGS.cloudOrganization.env} and ${SETTINGS.cloudWorkspace.env}; ` +
      `got only ${organization !== undefined ? SETTINGS.cloudOrganization.env : SETTINGS.cloudWorkspace.env}`);
  }
  if (organization !== undefined && workspace !== undefined) {
    if (bucket !== undefined) {
      throw new Error(`${SETTINGS.stateBucket.env} ${JSON.stringify(bucket)} and Terraform Cloud ` +
        `(${SETTINGS.cloudOrganization.env}) are both set; state goes to one backend, choose one`);
    }
    return { kind: "cloud", organization, workspace, hostname: read.text(SETTINGS.cloudHostname) };
  }
  if (bucket !== undefined) {
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
      throw new Error(`${SETTINGS.stateBucket.env} ${JSON.stringify(bucket)} is not an S3 bucket name ` +
        "(3 to 63 of lowercase letters, digits, dots and hyphens)");
    }
    return {
      kind: "s3",
      bucket,
      key: read.text(SETTINGS.stateKey) ?? `${stackName}/terraform.tfstate`,
      region: read.text(SETTINGS.stateRegion) ?? region,
    };
  }
  return { kind: "local" };
}
