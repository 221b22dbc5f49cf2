/**
 * The IAM half of the local test endpoint (aws-endpoint.ts): roles, their
 * inline policies, and managed policies to attach or use as a boundary, per
 * account, with IAM's checks and errors and IAM's paging of list results.
 */
import { randomBytes } from "crypto";

export type Params = { readonly [name: string]: string };

/** An AWS error response (`<ErrorResponse>`, or a REST error for Pinpoint). */
export class AwsError extends Error {
  constructor(readonly code: string, message: string, readonly status = 400, readonly type = "Sender") {
    super(message);
  }
}

/** Who asks, where: what every handler is given. */
export interface RequestContext {
  readonly region: string;
  readonly partition: string;
  /** The account the caller is in (the assumed role's, after sts:AssumeRole). */
  readonly account: string;
  /** The caller's ARN. */
  readonly caller: string;
  /** The access key the request was signed with. */
  readonly accessKeyId?: string;
}

/** A role as the endpoint holds it. Tests may change the mutable fields to make drift. */
export interface StoredRole {
  readonly name: string;
  readonly path: string;
  /** `AROA` + 17 characters, as IAM makes them. */
  readonly id: string;
  readonly arn: string;
  readonly createDate: string;
  /** The trust policy, exactly as it was sent. */
  assumeRolePolicy: string;
  description?: string;
  maxSessionDuration: number;
  permissionsBoundary?: string;
  readonly tags: Map<string, string>;
  /** Inline policies: name → document exactly as it was sent. */
  readonly policies: Map<string, string>;
  /** ARNs of the managed policies attached to the role. */
  readonly attachedPolicies: Set<string>;
  /** How many more GetRole calls answer NoSuchEntity, as IAM's eventual consistency can. */
  invisibleReads: number;
}

/** A customer managed policy (one version: nothing here updates one). */
export interface StoredPolicy {
  readonly name: string;
  readonly path: string;
  readonly arn: string;
  readonly id: string;
  readonly createDate: string;
  readonly document: string;
}

/** Everything one account holds. */
export interface AccountState {
  /** Roles by lower-case name: IAM role names are unique regardless of case. */
  readonly roles: Map<string, StoredRole>;
  /** Managed policies by ARN. */
  readonly policies: Map<string, StoredPolicy>;
}

export function emptyAccount(): AccountState {
  return { roles: new Map(), policies: new Map() };
}

/** IAM's quotas and rules that the endpoint enforces (IAM User Guide, "IAM and AWS STS quotas"). */
const IAM = {
  trustPolicyMaxSize: 2048,
  inlinePoliciesMaxSize: 10240,
  managedPolicyMaxSize: 6144,
  maxTags: 50,
  name: /^[\w+=,.@-]{1,64}$/,
  policyName: /^[\w+=,.@-]{1,128}$/,
  path: /^(\/|\/[\u0021-\u007E]{1,510}\/)$/,
  policyArn: /^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/.+$/,
} as const;

/** Escapes text for an XML element body. */
export function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** `<name>text</name>`, escaped; nothing when `text` is undefined or empty. */
function element(name: string, text: string | number | undefined): string {
  return text === undefined || text === "" ? "" : `<${name}>${xml(String(text))}</${name}>`;
}

/** A Query-protocol list: `Prefix.member.1`, `Prefix.member.2`, … (with `.Key` etc. when `field` is given). */
function memberList(params: Params, prefix: string, field = ""): string[] {
  const values: string[] = [];
  for (let i = 1; params[`${prefix}.member.${i}${field}`] !== undefined; i++) {
    values.push(params[`${prefix}.member.${i}${field}`]);
  }
  return values;
}

/** The tags of a request: `Tags.member.N.Key` and `Tags.member.N.Value`. */
function tagsOf(params: Params): Map<string, string> {
  const values = memberList(params, "Tags", ".Value");
  return new Map(memberList(params, "Tags", ".Key").map((key, i) => [key, values[i]]));
}

export function required(params: Params, name: string): string {
  const value = params[name];
  if (value === undefined || value === "") {
    throw new AwsError("ValidationError", `1 validation error detected: Value null at '${name}' failed to satisfy constraint: Member must not be null`);
  }
  return value;
}

function matching(params: Params, name: string, pattern: RegExp): string {
  const value = required(params, name);
  if (!pattern.test(value)) {
    throw new AwsError("ValidationError", `1 validation error detected: Value '${value}' at '${name}' failed to ` +
      `satisfy constraint: Member must satisfy regular expression pattern: ${pattern.source}`);
  }
  return value;
}

const malformed = (message: string) => new AwsError("MalformedPolicyDocument", message);
const noSuchEntity = (message: string) => new AwsError("NoSuchEntity", message, 404);

/**
 * Checks a policy document as IAM does (a subset of its grammar) and returns
 * its size as IAM counts it against quotas: without insignificant whitespace.
 */
function checkedPolicySize(text: string, kind: "trust" | "identity"): number {
  let document: any;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw malformed(`This policy contains invalid Json (${(error as Error).message})`);
  }
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw malformed("Syntax errors in policy.");
  }
  if (document.Version !== undefined && !["2012-10-17", "2008-10-17"].includes(document.Version)) {
    throw malformed("The policy failed legacy parsing");
  }
  const statements = [document.Statement ?? []].flat();
  if (statements.length === 0) throw malformed("Syntax errors in policy.");
  for (const statement of statements) {
    if (typeof statement !== "object" || statement === null || !["Allow", "Deny"].includes(statement.Effect)) {
      throw malformed("Syntax errors in policy.");
    }
    if (statement.Action === undefined && statement.NotAction === undefined) {
      throw malformed("Policy statement must contain actions.");
    }
    const hasPrincipal = statement.Principal !== undefined || statement.NotPrincipal !== undefined;
    if (kind === "trust" && !hasPrincipal) throw malformed("Has prohibited field Principal absent");
    if (kind === "identity" && hasPrincipal) throw malformed("Policy document should not specify a principal.");
    if (kind === "identity" && statement.Resource === undefined && statement.NotResource === undefined) {
      throw malformed("Policy statement must contain resources.");
    }
  }
  return JSON.stringify(document).length;
}

/** A prefix and 17 characters of IAM's unique-id alphabet (`AROA` roles, `ANPA` policies). */
function uniqueId(prefix: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  return prefix + [...randomBytes(17)].map((byte) => alphabet[byte % 32]).join("");
}

const now = () => new Date().toISOString().replace(/\.\d+Z$/, "Z");

function roleXml(role: StoredRole): string {
  const boundary = role.permissionsBoundary === undefined ? "" :
    `<PermissionsBoundary><PermissionsBoundaryType>Policy</PermissionsBoundaryType>` +
    `${element("PermissionsBoundaryArn", role.permissionsBoundary)}</PermissionsBoundary>`;
  return `<Role>${element("Path", role.path)}${element("RoleName", role.name)}${element("RoleId", role.id)}` +
    `${element("Arn", role.arn)}${element("CreateDate", role.createDate)}` +
    `${element("AssumeRolePolicyDocument", encodeURIComponent(role.assumeRolePolicy))}` +
    `${element("Description", role.description)}${element("MaxSessionDuration", role.maxSessionDuration)}` +
    `${boundary}${tagsXml(role.tags)}<RoleLastUsed/></Role>`;
}

function policyXml(policy: StoredPolicy): string {
  return `<Policy>${element("PolicyName", policy.name)}${element("PolicyId", policy.id)}${element("Arn", policy.arn)}` +
    `${element("Path", policy.path)}<DefaultVersionId>v1</DefaultVersionId><AttachmentCount>0</AttachmentCount>` +
    `<IsAttachable>true</IsAttachable>${element("CreateDate", policy.createDate)}${element("UpdateDate", policy.createDate)}</Policy>`;
}

function tagsXml(tags: Map<string, string>): string {
  if (tags.size === 0) return "";
  const members = [...tags].map(([key, value]) => `<member><Key>${xml(key)}</Key><Value>${xml(value)}</Value></member>`);
  return `<Tags>${members.join("")}</Tags>`;
}

/**
 * One page of a list, as IAM pages them: at most `MaxItems` (and at most the
 * endpoint's page size), `IsTruncated`, and a `Marker` to ask for the next.
 */
function paged<T>(items: readonly T[], params: Params, pageSize: number, list: string, member: (item: T) => string): string {
  const start = params.Marker === undefined ? 0 : Number(params.Marker);
  if (!Number.isInteger(start) || start < 0 || start > items.length) throw new AwsError("ValidationError", `Invalid Marker ${params.Marker}`);
  const size = Math.min(pageSize, params.MaxItems === undefined ? 100 : Number(params.MaxItems));
  const page = items.slice(start, start + size);
  const truncated = start + size < items.length;
  return `<${list}>${page.map((item) => `<member>${member(item)}</member>`).join("")}</${list}>` +
    `<IsTruncated>${truncated}</IsTruncated>${truncated ? element("Marker", String(start + size)) : ""}`;
}

/** Options of the IAM half. */
export interface IamOptions {
  /** Most items in one page of a list. */
  readonly pageSize: () => number;
  /** GetRole calls that answer NoSuchEntity after a CreateRole. */
  readonly newRoleInvisibleReads: () => number;
}

export type IamHandler = (params: Params, request: RequestContext, state: AccountState) => string | void;

/** The IAM actions the provider uses on roles, their inline policies and managed policies. */
export function iamHandlers(options: IamOptions): { [action: string]: IamHandler } {
  const existingRole = (params: Params, state: AccountState): StoredRole => {
    const name = required(params, "RoleName");
    const role = state.roles.get(name.toLowerCase());
    if (!role) throw noSuchEntity(`The role with name ${name} cannot be found.`);
    return role;
  };
  const existingPolicy = (arn: string, state: AccountState): StoredPolicy => {
    const policy = state.policies.get(arn);
    if (!policy) throw noSuchEntity(`Policy ${arn} does not exist or is not attachable.`);
    return policy;
  };
  /** A boundary must name a managed policy that exists. */
  const existingBoundary = (params: Params, state: AccountState): string => {
    const arn = matching(params, "PermissionsBoundary", IAM.policyArn);
    if (!state.policies.has(arn)) throw noSuchEntity(`Scope ARN: ${arn} does not exist or is not attachable.`);
    return arn;
  };

  return {
    CreateRole: (params, request, state) => {
      const name = matching(params, "RoleName", IAM.name);
      const path = params.Path ? matching(params, "Path", IAM.path) : "/";
      if (state.roles.has(name.toLowerCase())) throw new AwsError("EntityAlreadyExists", `Role with name ${name} already exists.`, 409);
      const trust = required(params, "AssumeRolePolicyDocument");
      checkTrustPolicy(trust);
      const tags = tagsOf(params);
      checkTagCount(tags.size);
      const role: StoredRole = {
        name,
        path,
        id: uniqueId("AROA"),
        arn: `arn:${request.partition}:iam::${request.account}:role${path}${name}`,
        createDate: now(),
        assumeRolePolicy: trust,
        description: params.Description,
        maxSessionDuration: checkedSessionDuration(params.MaxSessionDuration),
        permissionsBoundary: params.PermissionsBoundary ? existingBoundary(params, state) : undefined,
        tags,
        policies: new Map(),
        attachedPolicies: new Set(),
        invisibleReads: options.newRoleInvisibleReads(),
      };
      state.roles.set(name.toLowerCase(), role);
      return roleXml(role);
    },
    GetRole: (params, _request, state) => {
      const role = existingRole(params, state);
      if (role.invisibleReads > 0) {
        role.invisibleReads--;
        throw noSuchEntity(`The role with name ${role.name} cannot be found.`);
      }
      return roleXml(role);
    },
    ListRoles: (params, _request, state) => paged([...state.roles.values()], params, options.pageSize(), "Roles",
      (role) => roleXml(role).replace(/^<Role>|<\/Role>$/g, "")),
    UpdateRole: (params, _request, state) => {
      const role = existingRole(params, state);
      if (params.Description !== undefined) role.description = params.Description;
      if (params.MaxSessionDuration !== undefined) role.maxSessionDuration = checkedSessionDuration(params.MaxSessionDuration);
    },
    UpdateRoleDescription: (params, _request, state) => {
      const role = existingRole(params, state);
      role.description = params.Description;
      return roleXml(role);
    },
    UpdateAssumeRolePolicy: (params, _request, state) => {
      const role = existingRole(params, state);
      const trust = required(params, "PolicyDocument");
      checkTrustPolicy(trust);
      role.assumeRolePolicy = trust;
    },
    DeleteRole: (params, _request, state) => {
      const role = existingRole(params, state);
      if (role.policies.size > 0 || role.attachedPolicies.size > 0) {
        throw new AwsError("DeleteConflict", "Cannot delete entity, must delete policies first.", 409);
      }
      state.roles.delete(role.name.toLowerCase());
    },

    TagRole: (params, _request, state) => {
      const role = existingRole(params, state);
      const tags = tagsOf(params);
      checkTagCount(new Set([...role.tags.keys(), ...tags.keys()]).size);
      tags.forEach((value, key) => role.tags.set(key, value));
    },
    UntagRole: (params, _request, state) => {
      const role = existingRole(params, state);
      for (const key of memberList(params, "TagKeys")) role.tags.delete(key);
    },
    PutRolePermissionsBoundary: (params, _request, state) => {
      const role = existingRole(params, state);
      role.permissionsBoundary = existingBoundary(params, state);
    },
    DeleteRolePermissionsBoundary: (params, _request, state) => {
      existingRole(params, state).permissionsBoundary = undefined;
    },

    PutRolePolicy: (params, _request, state) => {
      const role = existingRole(params, state);
      const name = matching(params, "PolicyName", IAM.policyName);
      const document = required(params, "PolicyDocument");
      const size = checkedPolicySize(document, "identity");
      const others = [...role.policies].filter(([other]) => other !== name)
        .reduce((sum, [, text]) => sum + checkedPolicySize(text, "identity"), 0);
      if (size + others > IAM.inlinePoliciesMaxSize) {
        throw new AwsError("LimitExceeded", `Maximum policy size of ${IAM.inlinePoliciesMaxSize} bytes exceeded for role ${role.name}`, 409);
      }
      role.policies.set(name, document);
    },
    GetRolePolicy: (params, _request, state) => {
      const role = existingRole(params, state);
      const name = required(params, "PolicyName");
      const document = role.policies.get(name);
      if (document === undefined) throw noSuchEntity(`The role policy with name ${name} cannot be found.`);
      return `${element("RoleName", role.name)}${element("PolicyName", name)}${element("PolicyDocument", encodeURIComponent(document))}`;
    },
    DeleteRolePolicy: (params, _request, state) => {
      const role = existingRole(params, state);
      const name = required(params, "PolicyName");
      if (!role.policies.delete(name)) throw noSuchEntity(`The role policy with name ${name} cannot be found.`);
    },
    ListRolePolicies: (params, _request, state) =>
      paged([...existingRole(params, state).policies.keys()], params, options.pageSize(), "PolicyNames", xml),
    // The endpoint holds no instance profiles: the list is empty.
    ListInstanceProfilesForRole: (params, _request, state) => {
      existingRole(params, state);
      return "<InstanceProfiles/><IsTruncated>false</IsTruncated>";
    },

    CreatePolicy: (params, request, state) => {
      const name = matching(params, "PolicyName", IAM.policyName);
      const path = params.Path ? matching(params, "Path", IAM.path) : "/";
      const arn = `arn:${request.partition}:iam::${request.account}:policy${path}${name}`;
      if (state.policies.has(arn)) throw new AwsError("EntityAlreadyExists", `A policy called ${name} already exists.`, 409);
      const document = required(params, "PolicyDocument");
      if (checkedPolicySize(document, "identity") > IAM.managedPolicyMaxSize) {
        throw new AwsError("LimitExceeded", `Cannot exceed quota for PolicySize: ${IAM.managedPolicyMaxSize}`, 409);
      }
      const policy: StoredPolicy = { name, path, arn, id: uniqueId("ANPA"), createDate: now(), document };
      state.policies.set(arn, policy);
      return policyXml(policy);
    },
    AttachRolePolicy: (params, _request, state) => {
      const role = existingRole(params, state);
      role.attachedPolicies.add(existingPolicy(matching(params, "PolicyArn", IAM.policyArn), state).arn);
    },
    DetachRolePolicy: (params, _request, state) => {
      const role = existingRole(params, state);
      const arn = required(params, "PolicyArn");
      if (!role.attachedPolicies.delete(arn)) throw noSuchEntity(`Policy ${arn} was not found.`);
    },
    ListAttachedRolePolicies: (params, _request, state) => {
      const attached = [...existingRole(params, state).attachedPolicies].map((arn) => existingPolicy(arn, state));
      return paged(attached, params, options.pageSize(), "AttachedPolicies",
        (policy) => `${element("PolicyName", policy.name)}${element("PolicyArn", policy.arn)}`);
    },
  };
}

function checkTrustPolicy(document: string): void {
  const size = checkedPolicySize(document, "trust");
  if (size > IAM.trustPolicyMaxSize) {
    throw new AwsError("LimitExceeded", `Cannot exceed quota for ACLSizePerRole: ${IAM.trustPolicyMaxSize}`, 409);
  }
}

function checkTagCount(count: number): void {
  if (count > IAM.maxTags) {
    throw new AwsError("LimitExceeded", `The number of tags has reached the maximum limit of ${IAM.maxTags}.`, 409);
  }
}

function checkedSessionDuration(value: string | undefined): number {
  if (value === undefined) return 3600;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 3600 || seconds > 43200) {
    throw new AwsError("ValidationError", `The requested MaxSessionDuration ${value} is outside 3600 to 43200 seconds.`);
  }
  return seconds;
}
