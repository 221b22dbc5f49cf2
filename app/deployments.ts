/**
 * The deployments file: one entry per account and Region, each of which
 * becomes a stack of its own (own provider, own state). Only the shapes are
 * checked here, with the entry and the field named; the construct checks the
 * values of the role's options as it always does.
 */
import { PinpointSesEmailChannelProps, PinpointSesSendingRoleProps } from "../modules";
import { partitionOfRegion } from "../modules/partitions";
import { DeploymentInput, parseDeploymentsFile, ROLE_ARN } from "./schema";

/** The role options a deployment may give: plain values, and the email channel but its role and provider (the stack's). */
export type RoleOptions = Pick<PinpointSesSendingRoleProps, "roleName" | "roleNamePrefix" | "path" | "description" |
  "permissionsBoundaryArn" | "maxSessionDuration" | "policyName" | "sesIdentities" | "configurationSets" |
  "pinpointApplicationIds" | "tags"> & { readonly emailChannel?: Omit<PinpointSesEmailChannelProps, "sendingRole" | "provider"> };

/** How the provider reaches the deployment's account. */
export interface AssumeRoleConfig {
  readonly roleArn: string;
  /** The 12-digit account of `roleArn`: the only account the provider may act in. */
  readonly account: string;
  readonly externalId?: string;
  readonly sessionName?: string;
}

type Json = { readonly [key: string]: unknown };

const isObject = (value: unknown): value is Json => typeof value === "object" && value !== null && !Array.isArray(value);

/** Where a path of the file points, for messages: `deployments[0] ("prod").options.tags`, or without a name `deployments[0]`. */
function placeOf(json: Json, path: readonly PropertyKey[]): string {
  if (path.length < 2) return path.map(String).join(".");
  const [, index, ...rest] = path;
  const entry = (json.deployments as unknown[])[index as number];
  const name = isObject(entry) && typeof entry.name === "string" ? ` (${JSON.stringify(entry.name)})` : "";
  return [`deployments[${String(index)}]${name}`, ...rest.map(String)].join(".");
}

/** The checks that span fields: a role is assumed in its own partition, ids go with a role. `where` names the entry. */
function readAssumeRole(entry: DeploymentInput, where: string, fail: (message: string) => never): AssumeRoleConfig | undefined {
  const { assumeRoleArn: roleArn, externalId, sessionName, region } = entry;
  if (roleArn === undefined) {
    if (externalId !== undefined) fail(`${where}.externalId needs assumeRoleArn: it is sent when assuming that role`);
    if (sessionName !== undefined) fail(`${where}.sessionName needs assumeRoleArn: it names the session of that role`);
    return undefined;
  }
  const [, partition, account] = ROLE_ARN.exec(roleArn) as RegExpExecArray;
  if (partition !== partitionOfRegion(region)) {
    fail(`${where}.assumeRoleArn ${JSON.stringify(roleArn)} is in partition ${partition}, but region ` +
      `${JSON.stringify(region)} is in ${partitionOfRegion(region)}; a role is assumed in its own partition`);
  }
  return { roleArn, account, externalId, sessionName };
}

/**
 * Parses and checks the text of a deployments file: `{"deployments": [ … ]}`
 * with at least one entry and no two with the same name. `file` names the
 * file in messages.
 */
export function parseDeployments(text: string, file: string) {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`deployments file ${file} is not JSON: ${(error as Error).message}`);
  }
  const inFile = `deployments file ${file}: `;
  const fail = (message: string): never => {
    throw new Error(`${inFile}${message}`);
  };
  if (!isObject(json) || !Array.isArray(json.deployments)) {
    fail('expected an object with an array "deployments", like {"deployments": [{"name": "prod", "region": "us-east-1"}]}');
  }
  const extra = Object.keys(json as Json).filter((key) => key !== "deployments" && key !== "$schema");
  if (extra.length > 0) fail(`${extra[0]} is not a field here; expected only "deployments" (and "$schema")`);
  const { deployments: entries } = parseDeploymentsFile(json, (path) => inFile + placeOf(json as Json, path));
  const deployments = entries.map((entry, index) => {
    // Where the entry stands, for messages: `deployments[1] ("prod-eu")`. The workspace is `name` when not given.
    const where = placeOf(json as Json, ["deployments", index]);
    const { name, region, workspace, options = {} } = entry;
    return { where, name, region, assumeRole: readAssumeRole(entry, where, fail), workspace, options };
  });
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
