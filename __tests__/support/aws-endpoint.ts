/**
 * A home-made stand-in for the AWS STS, IAM and Pinpoint APIs, for what moto
 * (the emulator the scenarios run on) cannot do: fail one call of a run,
 * authorise every call as the deployer, hide a new role from its first reads
 * as IAM's eventual consistency does, page lists two items at a time, record
 * the provider's calls, and serve Pinpoint's email channel. The real AWS
 * provider talks to it through AWS_ENDPOINT_URL_STS/_IAM/_PINPOINT. Listens
 * on 127.0.0.1, keeps everything in memory, and closes itself after
 * `maxLifetimeMs`.
 *
 * It answers what hashicorp/aws 5.100.0 asks for `aws_iam_role`,
 * `aws_iam_role_policy`, `aws_iam_role_policies_exclusive` and
 * `aws_pinpoint_email_channel`, and behaves as IAM does where the provider
 * depends on it: IAM's role ids and ARNs, policy documents returned
 * URL-encoded, case-insensitive role names, a boundary that must name an
 * existing managed policy, UpdateRole leaving omitted fields alone, paged
 * lists, and IAM's errors (local-iam.ts).
 *
 * Stricter on request: `authoriseAs` evaluates every request against the
 * caller's identity policies and answers AccessDenied as IAM does
 * (endpoint-authorisation.ts); `delayNewRoles` makes a new role invisible to
 * a few reads, as IAM's eventual consistency can.
 *
 * An action it does not implement is answered with a loud error naming it and
 * recorded in `unimplemented`, so a gap can never pass silently. `failCalls`
 * injects Throttling or ServiceFailure; `role()`, `roles()` and `invoke()`
 * let a test read and change the state out of band, as the console would.
 */
import { randomUUID } from "crypto";
import * as http from "http";
import { AddressInfo } from "net";
import { partitionOfRegion } from "../../modules/partitions";
import { authorise } from "./endpoint-authorisation";
import {
  AccountState, AwsError, emptyAccount, iamHandlers, Params, RequestContext, StoredPolicy, StoredRole, xml,
} from "./local-iam";
import { endpointEnv } from "./emulator";
import { OUT_OF_BAND_HEADER } from "./iam-client";
import { PinpointApps, pinpointCallOf, runPinpointCall } from "./local-pinpoint";

export { AwsError, RequestContext, StoredPolicy, StoredRole, xml };

/** One request the endpoint received. */
export interface EndpointCall {
  readonly service: string;
  readonly action: string;
  /** The Query parameters; for Pinpoint, the application id and the JSON body's fields. */
  readonly params: Params;
  /** HTTP status of the answer. */
  readonly status: number;
}

/** Answers one Query action: returns the inner XML of `<ActionResult>`. */
export type ActionHandler = (params: Params, request: RequestContext) => string;

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
  /** Most items in one page of a list: small, so that the provider's paging runs. @default 2 */
  readonly pageSize?: number;
}

const API_VERSIONS: { [service: string]: string } = { sts: "2011-06-15", iam: "2010-05-08" };

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

  /** The account of the caller identity the endpoint's credentials belong to. */
  readonly account: string;
  /** Every request received, in order. */
  readonly calls: EndpointCall[] = [];
  /** Actions that were asked for but are not implemented. */
  readonly unimplemented: string[] = [];
  private readonly handlers = new Map<string, ActionHandler>();
  /** What the account holds in IAM. */
  private readonly iam: AccountState = emptyAccount();
  /** Pinpoint projects by Region. */
  private readonly pinpointApps = new Map<string, PinpointApps>();
  private readonly faults = new Map<string, { code: Fault["code"]; skip: number; remaining: number }>();
  private readonly server: http.Server;
  private readonly lifetime: NodeJS.Timeout;
  private pageSize: number;
  private invisibleReads = 0;
  private identityPolicies?: readonly unknown[];

  private constructor(options: LocalAwsEndpointOptions) {
    this.account = options.account ?? "123456789012";
    this.pageSize = options.pageSize ?? 2;
    this.server = http.createServer((request, response) => this.receive(request, response));
    this.lifetime = setTimeout(() => void this.stop(), options.maxLifetimeMs ?? 15 * 60_000);
    this.lifetime.unref();
    this.handle("sts", "GetCallerIdentity", (_params, request) =>
      `<Arn>${xml(request.caller)}</Arn><UserId>AIDALOCALTESTUSER0001</UserId><Account>${request.account}</Account>`);
    const iam = iamHandlers({ pageSize: () => this.pageSize, newRoleInvisibleReads: () => this.invisibleReads });
    for (const [action, handler] of Object.entries(iam)) {
      this.handle("iam", action, (params, request) => handler(params, request, this.iam) ?? "");
    }
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

  /**
   * From now on, authorises every request (not `invoke`) against these
   * identity policies of the caller, and answers AccessDenied as IAM does.
   * `undefined` lets everything through again.
   */
  authoriseAs(identityPolicies: readonly unknown[] | undefined): void {
    this.identityPolicies = identityPolicies;
  }

  /** Roles created from now on answer NoSuchEntity to their first `reads` GetRole calls. */
  delayNewRoles(reads: number): void {
    this.invisibleReads = reads;
  }

  /** The role of that name (any case), as stored; change it to make drift. */
  role(name: string): StoredRole | undefined {
    return this.iam.roles.get(name.toLowerCase());
  }

  /** Every role, as stored. */
  roles(): StoredRole[] {
    return [...this.iam.roles.values()];
  }

  /** Creates a Pinpoint project (application) with that id, as the console would. */
  addPinpointApp(applicationId: string, region = "us-east-1"): void {
    this.appsOf(region).set(applicationId, {});
  }

  /** A project's email channel as stored, if it has one. */
  emailChannel(applicationId: string, region = "us-east-1") {
    return this.appsOf(region).get(applicationId)?.channel;
  }

  /**
   * Runs an action on the state as another client would (the console, the
   * AWS CLI): same checks and errors, not recorded in `calls`, no faults, no
   * authorisation. Returns the inner XML of the result.
   */
  invoke(service: string, action: string, params: Params, region = "us-east-1"): string {
    const partition = partitionOfRegion(region);
    return this.handlerOf(service, action)(params, { region, partition, account: this.account, caller: `arn:${partition}:iam::${this.account}:user/local-test` });
  }

  /**
   * Environment for terraform and cdktf that sends the AWS provider here with
   * dummy credentials: the same variables a user sets for any endpoint.
   */
  env(): { [name: string]: string } {
    return endpointEnv(this.url, "local-test");
  }

  async stop(): Promise<void> {
    clearTimeout(this.lifetime);
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private appsOf(region: string): PinpointApps {
    if (!this.pinpointApps.has(region)) this.pinpointApps.set(region, new Map());
    return this.pinpointApps.get(region) as PinpointApps;
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

  /** Who signed the request (SigV4 credential scope KEY/DATE/REGION/SERVICE/aws4_request), and where. */
  private contextOf(request: http.IncomingMessage): { service: string; context: RequestContext } {
    const scope = /Credential=([^/]+)\/\d+\/([^/]+)\/([^/]+)\//.exec(request.headers.authorization ?? "");
    const region = scope?.[2] ?? "us-east-1";
    const partition = partitionOfRegion(region);
    return {
      service: scope?.[3] ?? "unknown",
      context: {
        region,
        partition,
        accessKeyId: scope?.[1] ?? "",
        account: this.account,
        caller: `arn:${partition}:iam::${this.account}:user/local-test`,
      },
    };
  }

  private receive(request: http.IncomingMessage, response: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const { service, context } = this.contextOf(request);
      // A test's own reads and out-of-band changes (iam-client.ts) are not the provider's calls.
      const outOfBand = request.headers[OUT_OF_BAND_HEADER] !== undefined;
      const answer = service === "mobiletargeting"
        ? this.answerRest(request.method ?? "GET", new URL(request.url ?? "/", this.url).pathname, body, context)
        : this.answerQuery(service, Object.fromEntries(new URLSearchParams(body)), context, outOfBand);
      void answer.then(({ status, contentType, text, errorType }: { status: number; contentType: string; text: string; errorType?: string }) => {
        response.writeHead(status, {
          "Content-Type": contentType,
          "Content-Length": Buffer.byteLength(text),
          ...(errorType ? { "x-amzn-ErrorType": errorType } : {}),
        });
        response.end(text);
      });
    });
  }

  /** Faults, then authorisation, then the handler; records the call. Out of band: the handler only. */
  private async run(service: string, action: string, params: Params, context: RequestContext,
    handler: () => string, pinpoint?: Parameters<typeof authorise>[6], outOfBand = false): Promise<{ status: number; result?: string; error?: AwsError }> {
    let status = 200;
    try {
      if (!outOfBand) this.injectFault(service, action);
      if (this.identityPolicies && !outOfBand) {
        await authorise(this.identityPolicies, service, action, params, context, this.iam, pinpoint);
      }
      return { status, result: handler() };
    } catch (error) {
      const failure = error instanceof AwsError ? error : new AwsError("ServiceFailure", String(error), 500, "Receiver");
      status = failure.status;
      return { status, error: failure };
    } finally {
      if (!outOfBand) this.calls.push({ service, action, params, status });
    }
  }

  private async answerQuery(service: string, params: Params, context: RequestContext, outOfBand: boolean) {
    const action = params.Action ?? "(no Action)";
    const requestId = randomUUID();
    const known = this.handlers.get(`${service}:${action}`);
    const outcome = await this.run(service, action, params, context, () => this.handlerOf(service, action)(params, context), undefined, outOfBand);
    if (!known && outcome.error?.code !== "NotImplementedByLocalEndpoint") this.unimplemented.push(`${service}:${action}`);
    if (outcome.error) {
      const failure = outcome.error;
      return {
        status: outcome.status,
        contentType: "text/xml",
        text: `<ErrorResponse><Error><Type>${failure.type}</Type><Code>${failure.code}</Code>` +
          `<Message>${xml(failure.message)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
      };
    }
    const namespace = `https://${service}.amazonaws.com/doc/${API_VERSIONS[service] ?? ""}/`;
    return {
      status: 200,
      contentType: "text/xml",
      text: `<${action}Response xmlns="${namespace}"><${action}Result>${outcome.result}</${action}Result>` +
        `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`,
    };
  }

  /** Pinpoint's REST-JSON: errors as `x-amzn-ErrorType` and a JSON `Message`. */
  private async answerRest(method: string, path: string, body: string, context: RequestContext) {
    const call = pinpointCallOf(method, path, body);
    if (!call) {
      const action = `${method} ${path}`;
      this.unimplemented.push(`mobiletargeting:${action}`);
      this.calls.push({ service: "mobiletargeting", action, params: {}, status: 400 });
      return { status: 400, contentType: "application/json", text: JSON.stringify({ Message: `The local test endpoint does not implement mobiletargeting ${action}` }) };
    }
    const params = { ApplicationId: call.applicationId, ...Object.fromEntries(Object.entries(call.body).map(([key, value]) => [key, String(value)])) };
    const outcome = await this.run("mobiletargeting", call.action, params, context,
      () => JSON.stringify(runPinpointCall(call, this.appsOf(context.region))), call);
    if (outcome.error) {
      return { status: outcome.status, contentType: "application/json", text: JSON.stringify({ Message: outcome.error.message }), errorType: outcome.error.code };
    }
    return { status: 200, contentType: "application/json", text: outcome.result ?? "{}" };
  }
}
