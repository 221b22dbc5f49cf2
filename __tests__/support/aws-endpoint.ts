/**
 * A local stand-in for the AWS STS and IAM Query APIs, for tests only: the
 * real AWS provider talks to it through AWS_ENDPOINT_URL_STS/_IAM. Listens on
 * 127.0.0.1, keeps everything in memory, and closes itself after `maxLifetimeMs`.
 *
 * It answers what hashicorp/aws 5.100.0 asks for `aws_iam_role`,
 * `aws_iam_role_policy` and `aws_iam_role_policies_exclusive`, and behaves as
 * IAM does where the provider depends on it: IAM's role ids and ARNs, policy
 * documents returned URL-encoded, case-insensitive role names, and IAM's
 * errors (NoSuchEntity, EntityAlreadyExists, DeleteConflict,
 * MalformedPolicyDocument, LimitExceeded, ValidationError).
 *
 * An action it does not implement is answered with a loud error naming it and
 * recorded in `unimplemented`, so a gap can never pass silently. `failCalls`
 * injects Throttling or ServiceFailure; `role()`, `roles()` and `invoke()`
 * let a test read and change the state out of band, as the console would.
 */
import { randomBytes, randomUUID } from "crypto";
import * as http from "http";
import { AddressInfo } from "net";
import { partitionOfRegion } from "../../modules/partitions";

type Params = { readonly [name: string]: string };

/** One request the endpoint received. */
export interface EndpointCall {
  readonly service: string;
  readonly action: string;
  readonly params: Params;
  /** HTTP status of the answer. */
  readonly status: number;
}

/** An AWS error response (`<ErrorResponse>`). */
export class AwsError extends Error {
  constructor(readonly code: string, message: string, readonly status = 400, readonly type = "Sender") {
    super(message);
  }
}

/** Answers one action: returns the inner XML of `<ActionResult>`. */
export type ActionHandler = (params: Params, request: RequestContext) => string;

export interface RequestContext {
  readonly region: string;
  readonly partition: string;
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
}

/**
 * A fault to inject: see {@link LocalAwsEndpoint.failCalls}. The provider
 * retries both codes: it makes up to `max_retries` attempts in all (default
 * 25, backing off up to 20 s; AWS_MAX_ATTEMPTS does not change it). To fail
 * one operation, set a low `max_retries` and fail that many calls in a row.
 */
export interface Fault {
  /** `Throttling` (400, retryable) or `ServiceFailure` (500, retryable). */
  readonly code: "Throttling" | "ServiceFailure";
  /** Which call of the action fails first, counted from now: 1 is the next one. @default 1 */
  readonly nth?: number;
  /** How many calls in a row fail from there. @default 1 */
  readonly times?: number;
}

export interface LocalAwsEndpointOptions {
  /** Account id the endpoint's caller identity belongs to. @default "123456789012" */
  readonly account?: string;
  /** The server closes itself after this long. @default 15 minutes */
  readonly maxLifetimeMs?: number;
}

/** IAM's quotas and rules that the endpoint enforces (IAM User Guide, "IAM and AWS STS quotas"). */
const IAM = {
  trustPolicyMaxSize: 2048,
  inlinePoliciesMaxSize: 10240,
  maxTags: 50,
  name: /^[\w+=,.@-]{1,64}$/,
  policyName: /^[\w+=,.@-]{1,128}$/,
  path: /^(\/|\/[\u0021-\u007E]{1,510}\/)$/,
  policyArn: /^arn:aws[a-z-]*:iam::(\d{12}|aws):policy\/.+$/,
} as const;

const API_VERSIONS: { [service: string]: string } = { sts: "2011-06-15", iam: "2010-05-08" };

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

function required(params: Params, name: string): string {
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

/** `AROA` and 17 characters of IAM's unique-id alphabet. */
function roleId(): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  return "AROA" + [...randomBytes(17)].map((byte) => alphabet[byte % 32]).join("");
}

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

function tagsXml(tags: Map<string, string>): string {
  if (tags.size === 0) return "";
  const members = [...tags].map(([key, value]) => `<member><Key>${xml(key)}</Key><Value>${xml(value)}</Value></member>`);
  return `<Tags>${members.join("")}</Tags>`;
}

function membersXml(list: string, items: readonly string[]): string {
  return `<${list}>${items.map((item) => `<member>${xml(item)}</member>`).join("")}</${list}><IsTruncated>false</IsTruncated>`;
}

export class LocalAwsEndpoint {
  /** Starts a server on a free port of 127.0.0.1. */
  static async start(options: LocalAwsEndpointOptions = {}): Promise<LocalAwsEndpoint> {
    const endpoint = new LocalAwsEndpoint(options);
    await new Promise<void>((resolve, reject) => {
      endpoint.server.once("error", reject);
      endpoint.server.listen(0, "127.0.0.1", () => resolve());
    });
    return endpoint;
  }

  readonly account: string;
  /** Every request received, in order. */
  readonly calls: EndpointCall[] = [];
  /** Actions that were asked for but are not implemented. */
  readonly unimplemented: string[] = [];
  private readonly handlers = new Map<string, ActionHandler>();
  /** Roles by lower-case name: IAM role names are unique regardless of case. */
  private readonly roleStore = new Map<string, StoredRole>();
  private readonly faults = new Map<string, { code: Fault["code"]; skip: number; remaining: number }>();
  private readonly server: http.Server;
  private readonly lifetime: NodeJS.Timeout;

  private constructor(options: LocalAwsEndpointOptions) {
    this.account = options.account ?? "123456789012";
    this.server = http.createServer((request, response) => this.receive(request, response));
    this.lifetime = setTimeout(() => void this.stop(), options.maxLifetimeMs ?? 15 * 60_000);
    this.lifetime.unref();
    // Sessions of sts:AssumeRole (the provider's assume_role): the caller is then the role, in the role's account.
    const sessions = new Map<string, { arn: string; userId: string; account: string }>();
    this.handle("sts", "AssumeRole", (params) => {
      const role = /^arn:([\w-]+):iam::(\d{12}):role\/(?:[\u0021-\u007E]+\/)?([\w+=,.@-]{1,64})$/.exec(required(params, "RoleArn"));
      if (!role) throw new AwsError("ValidationError", `${params.RoleArn} is not a role ARN`);
      const session = params.RoleSessionName || "local-test-session";
      const accessKeyId = `ASIA${randomBytes(8).toString("hex").toUpperCase()}`;
      const arn = `arn:${role[1]}:sts::${role[2]}:assumed-role/${role[3]}/${session}`;
      sessions.set(accessKeyId, { arn, userId: `AROALOCALTESTROLE0001:${session}`, account: role[2] });
      return `<Credentials><AccessKeyId>${accessKeyId}</AccessKeyId><SecretAccessKey>local-test</SecretAccessKey>` +
        `<SessionToken>local-test</SessionToken><Expiration>${new Date(Date.now() + 3_600_000).toISOString()}</Expiration>` +
        `</Credentials><AssumedRoleUser><Arn>${xml(arn)}</Arn><AssumedRoleId>AROALOCALTESTROLE0001:${xml(session)}` +
        "</AssumedRoleId></AssumedRoleUser><PackedPolicySize>0</PackedPolicySize>";
    });
    this.handle("sts", "GetCallerIdentity", (_params, request) => {
      const assumed = sessions.get(request.accessKeyId ?? "");
      if (assumed) return `<Arn>${xml(assumed.arn)}</Arn><UserId>${xml(assumed.userId)}</UserId><Account>${assumed.account}</Account>`;
      return `<Arn>arn:${request.partition}:iam::${this.account}:user/local-test</Arn>` +
        `<UserId>AIDALOCALTESTUSER0001</UserId><Account>${this.account}</Account>`;
    });
    this.handleIam();
  }

  /** http://127.0.0.1:PORT */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Registers (or replaces) the handler of `service:action`. */
  handle(service: string, action: string, handler: ActionHandler): void {
    this.handlers.set(`${service}:${action}`, handler);
  }

  /** The actions received, as `service:Action`, in order; from the call numbered `since` on. */
  actions(since = 0): string[] {
    return this.calls.slice(since).map((call) => `${call.service}:${call.action}`);
  }

  /**
   * Makes calls of `action` (`service:Action`, e.g. `iam:PutRolePolicy`) fail
   * with `fault.code`: the `nth` call from now and the `times - 1` after it.
   */
  failCalls(action: string, fault: Fault): void {
    this.faults.set(action, { code: fault.code, skip: (fault.nth ?? 1) - 1, remaining: fault.times ?? 1 });
  }

  /** The role of that name (any case), as stored; change it to make drift. */
  role(name: string): StoredRole | undefined {
    return this.roleStore.get(name.toLowerCase());
  }

  /** Every role, as stored. */
  roles(): StoredRole[] {
    return [...this.roleStore.values()];
  }

  /**
   * Runs an action on the state as another client would (the console, the
   * AWS CLI): same checks and errors, not recorded in `calls`, no faults.
   * Returns the inner XML of the result.
   */
  invoke(service: string, action: string, params: Params, region = "us-east-1"): string {
    return this.handlerOf(service, action)(params, { region, partition: partitionOfRegion(region) });
  }

  /**
   * Environment for terraform and cdktf that sends the AWS provider here with
   * dummy credentials: the same variables a user sets for any endpoint.
   */
  env(): { [name: string]: string } {
    return {
      AWS_ACCESS_KEY_ID: "local-test",
      AWS_SECRET_ACCESS_KEY: "local-test",
      AWS_ENDPOINT_URL_STS: this.url,
      AWS_ENDPOINT_URL_IAM: this.url,
      AWS_EC2_METADATA_DISABLED: "true",
    };
  }

  async stop(): Promise<void> {
    clearTimeout(this.lifetime);
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handlerOf(service: string, action: string): ActionHandler {
    const handler = this.handlers.get(`${service}:${action}`);
    if (!handler) {
      this.unimplemented.push(`${service}:${action}`);
      throw new AwsError("NotImplementedByLocalEndpoint", `The local test endpoint does not implement ${service}:${action}`);
    }
    return handler;
  }

  /** Throws the injected fault if this call of `service:action` is one to fail. */
  private injectFault(service: string, action: string): void {
    const fault = this.faults.get(`${service}:${action}`);
    if (!fault || fault.remaining === 0) return;
    if (fault.skip > 0) {
      fault.skip--;
      return;
    }
    fault.remaining--;
    throw fault.code === "Throttling"
      ? new AwsError("Throttling", "Rate exceeded (injected by the local test endpoint)")
      : new AwsError("ServiceFailure", "Request processing has failed (injected by the local test endpoint)", 500, "Receiver");
  }

  private existingRole(params: Params): StoredRole {
    const name = required(params, "RoleName");
    const role = this.role(name);
    if (!role) throw new AwsError("NoSuchEntity", `The role with name ${name} cannot be found.`, 404);
    return role;
  }

  /** The IAM actions the provider uses on roles and their inline policies. */
  private handleIam(): void {
    const iam = (action: string, handler: (params: Params, request: RequestContext) => string | void) =>
      this.handle("iam", action, (params, request) => handler(params, request) ?? "");

    iam("CreateRole", (params, request) => {
      const name = matching(params, "RoleName", IAM.name);
      const path = params.Path ? matching(params, "Path", IAM.path) : "/";
      if (this.role(name)) throw new AwsError("EntityAlreadyExists", `Role with name ${name} already exists.`, 409);
      const trust = required(params, "AssumeRolePolicyDocument");
      this.checkTrustPolicy(trust);
      const tags = tagsOf(params);
      this.checkTagCount(tags.size);
      const role: StoredRole = {
        name,
        path,
        id: roleId(),
        arn: `arn:${request.partition}:iam::${this.account}:role${path}${name}`,
        createDate: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
        assumeRolePolicy: trust,
        description: params.Description,
        maxSessionDuration: this.checkedSessionDuration(params.MaxSessionDuration),
        permissionsBoundary: params.PermissionsBoundary ? matching(params, "PermissionsBoundary", IAM.policyArn) : undefined,
        tags,
        policies: new Map(),
      };
      this.roleStore.set(name.toLowerCase(), role);
      return roleXml(role);
    });
    iam("GetRole", (params) => roleXml(this.existingRole(params)));
    iam("UpdateRole", (params) => {
      const role = this.existingRole(params);
      if (params.Description !== undefined) role.description = params.Description;
      if (params.MaxSessionDuration !== undefined) role.maxSessionDuration = this.checkedSessionDuration(params.MaxSessionDuration);
    });
    iam("UpdateRoleDescription", (params) => {
      const role = this.existingRole(params);
      role.description = params.Description;
      return roleXml(role);
    });
    iam("UpdateAssumeRolePolicy", (params) => {
      const role = this.existingRole(params);
      const trust = required(params, "PolicyDocument");
      this.checkTrustPolicy(trust);
      role.assumeRolePolicy = trust;
    });
    iam("DeleteRole", (params) => {
      const role = this.existingRole(params);
      if (role.policies.size > 0) {
        throw new AwsError("DeleteConflict", "Cannot delete entity, must delete policies first.", 409);
      }
      this.roleStore.delete(role.name.toLowerCase());
    });

    iam("TagRole", (params) => {
      const role = this.existingRole(params);
      const tags = tagsOf(params);
      this.checkTagCount(new Set([...role.tags.keys(), ...tags.keys()]).size);
      tags.forEach((value, key) => role.tags.set(key, value));
    });
    iam("UntagRole", (params) => {
      const role = this.existingRole(params);
      for (const key of memberList(params, "TagKeys")) role.tags.delete(key);
    });
    iam("ListRoleTags", (params) => `${tagsXml(this.existingRole(params).tags) || "<Tags/>"}<IsTruncated>false</IsTruncated>`);
    iam("PutRolePermissionsBoundary", (params) => {
      this.existingRole(params).permissionsBoundary = matching(params, "PermissionsBoundary", IAM.policyArn);
    });
    iam("DeleteRolePermissionsBoundary", (params) => {
      this.existingRole(params).permissionsBoundary = undefined;
    });

    iam("PutRolePolicy", (params) => {
      const role = this.existingRole(params);
      const name = matching(params, "PolicyName", IAM.policyName);
      const document = required(params, "PolicyDocument");
      const size = checkedPolicySize(document, "identity");
      const others = [...role.policies].filter(([other]) => other !== name)
        .reduce((sum, [, text]) => sum + checkedPolicySize(text, "identity"), 0);
      if (size + others > IAM.inlinePoliciesMaxSize) {
        throw new AwsError("LimitExceeded",
          `Maximum policy size of ${IAM.inlinePoliciesMaxSize} bytes exceeded for role ${role.name}`, 409);
      }
      role.policies.set(name, document);
    });
    iam("GetRolePolicy", (params) => {
      const role = this.existingRole(params);
      const name = required(params, "PolicyName");
      const document = role.policies.get(name);
      if (document === undefined) throw new AwsError("NoSuchEntity", `The role policy with name ${name} cannot be found.`, 404);
      return `${element("RoleName", role.name)}${element("PolicyName", name)}` +
        `${element("PolicyDocument", encodeURIComponent(document))}`;
    });
    iam("DeleteRolePolicy", (params) => {
      const role = this.existingRole(params);
      const name = required(params, "PolicyName");
      if (!role.policies.delete(name)) {
        throw new AwsError("NoSuchEntity", `The role policy with name ${name} cannot be found.`, 404);
      }
    });
    iam("ListRolePolicies", (params) => membersXml("PolicyNames", [...this.existingRole(params).policies.keys()]));
    // The endpoint holds no managed policies and no instance profiles: both lists are empty.
    iam("ListAttachedRolePolicies", (params) => {
      this.existingRole(params);
      return "<AttachedPolicies/><IsTruncated>false</IsTruncated>";
    });
    iam("ListInstanceProfilesForRole", (params) => {
      this.existingRole(params);
      return "<InstanceProfiles/><IsTruncated>false</IsTruncated>";
    });
  }

  private checkTrustPolicy(document: string): void {
    const size = checkedPolicySize(document, "trust");
    if (size > IAM.trustPolicyMaxSize) {
      throw new AwsError("LimitExceeded", `Cannot exceed quota for ACLSizePerRole: ${IAM.trustPolicyMaxSize}`, 409);
    }
  }

  private checkTagCount(count: number): void {
    if (count > IAM.maxTags) {
      throw new AwsError("LimitExceeded", `The number of tags has reached the maximum limit of ${IAM.maxTags}.`, 409);
    }
  }

  private checkedSessionDuration(value: string | undefined): number {
    if (value === undefined) return 3600;
    const seconds = Number(value);
    if (!Number.isInteger(seconds) || seconds < 3600 || seconds > 43200) {
      throw new AwsError("ValidationError", `The requested MaxSessionDuration ${value} is outside 3600 to 43200 seconds.`);
    }
    return seconds;
  }

  private receive(request: http.IncomingMessage, response: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
      // SigV4 credential scope: KEY/DATE/REGION/SERVICE/aws4_request
      const scope = /Credential=([^/]+)\/\d+\/([^/]+)\/([^/]+)\//.exec(request.headers.authorization ?? "");
      const region = scope?.[2] ?? "us-east-1";
      const service = scope?.[3] ?? "unknown";
      const action = params.Action ?? "(no Action)";
      const requestId = randomUUID();
      let status = 200;
      let body: string;
      try {
        const handler = this.handlerOf(service, action);
        this.injectFault(service, action);
        const result = handler(params, { region, partition: partitionOfRegion(region), accessKeyId: scope?.[1] ?? "" });
        const namespace = `https://${service}.amazonaws.com/doc/${API_VERSIONS[service] ?? ""}/`;
        body = `<${action}Response xmlns="${namespace}"><${action}Result>${result}</${action}Result>` +
          `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`;
      } catch (error) {
        const failure = error instanceof AwsError ? error : new AwsError("ServiceFailure", String(error), 500, "Receiver");
        status = failure.status;
        body = `<ErrorResponse><Error><Type>${failure.type}</Type><Code>${failure.code}</Code>` +
          `<Message>${xml(failure.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`;
      }
      this.calls.push({ service, action, params, status });
      response.writeHead(status, { "Content-Type": "text/xml", "Content-Length": Buffer.byteLength(body) });
      response.end(body);
    });
  }
}
