/**
 * A local stand-in for the AWS STS and IAM Query APIs, for tests only: the
 * real AWS provider talks to it through AWS_ENDPOINT_URL_STS/_IAM. Listens on
 * 127.0.0.1, keeps everything in memory, and closes itself after `maxLifetimeMs`.
 *
 * An action it does not implement is answered with a loud error naming it and
 * recorded in `unimplemented`, so a gap can never pass silently.
 */
import { randomUUID } from "crypto";
import * as http from "http";
import { AddressInfo } from "net";

/** One request the endpoint received. */
export interface EndpointCall {
  readonly service: string;
  readonly action: string;
  readonly params: { readonly [name: string]: string };
}

/** An AWS error response (`<ErrorResponse>`). */
export class AwsError extends Error {
  constructor(readonly code: string, message: string, readonly status = 400, readonly type = "Sender") {
    super(message);
  }
}

/** Answers one action: returns the inner XML of `<ActionResult>`. */
export type ActionHandler = (params: { readonly [name: string]: string }, request: RequestContext) => string;

export interface RequestContext {
  readonly region: string;
  readonly partition: string;
}

export interface LocalAwsEndpointOptions {
  /** Account id the endpoint's caller identity belongs to. @default "123456789012" */
  readonly account?: string;
  /** The server closes itself after this long. @default 15 minutes */
  readonly maxLifetimeMs?: number;
}

const API_VERSIONS: { [service: string]: string } = { sts: "2011-06-15", iam: "2010-05-08" };

/** The partition a Region belongs to, as STS reports it in ARNs. */
export function partitionOf(region: string): string {
  if (region.startsWith("cn-")) return "aws-cn";
  if (region.startsWith("us-gov-")) return "aws-us-gov";
  if (region.startsWith("us-isob-")) return "aws-iso-b";
  if (region.startsWith("us-iso-")) return "aws-iso";
  return "aws";
}

/** Escapes text for an XML element body. */
export function xml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
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
  private readonly server: http.Server;
  private readonly lifetime: NodeJS.Timeout;

  private constructor(options: LocalAwsEndpointOptions) {
    this.account = options.account ?? "123456789012";
    this.server = http.createServer((request, response) => this.receive(request, response));
    this.lifetime = setTimeout(() => void this.stop(), options.maxLifetimeMs ?? 15 * 60_000);
    this.lifetime.unref();
    this.handle("sts", "GetCallerIdentity", (_params, request) =>
      `<Arn>arn:${request.partition}:iam::${this.account}:user/local-test</Arn>` +
      `<UserId>AIDALOCALTESTUSER0001</UserId><Account>${this.account}</Account>`);
  }

  /** http://127.0.0.1:PORT */
  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Registers (or replaces) the handler of `service:action`. */
  handle(service: string, action: string, handler: ActionHandler): void {
    this.handlers.set(`${service}:${action}`, handler);
  }

  /** The actions received, as `service:Action`, in order. */
  actions(): string[] {
    return this.calls.map((call) => `${call.service}:${call.action}`);
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
      AWS_MAX_ATTEMPTS: "2",
    };
  }

  async stop(): Promise<void> {
    clearTimeout(this.lifetime);
    if (!this.server.listening) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private receive(request: http.IncomingMessage, response: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString("utf8")));
      // SigV4 credential scope: KEY/DATE/REGION/SERVICE/aws4_request
      const scope = /Credential=[^/]+\/\d+\/([^/]+)\/([^/]+)\//.exec(request.headers.authorization ?? "");
      const region = scope?.[1] ?? "us-east-1";
      const service = scope?.[2] ?? "unknown";
      const action = params.Action ?? "(no Action)";
      this.calls.push({ service, action, params });
      const requestId = randomUUID();
      try {
        const handler = this.handlers.get(`${service}:${action}`);
        if (!handler) {
          this.unimplemented.push(`${service}:${action}`);
          throw new AwsError("NotImplementedByLocalEndpoint",
            `The local test endpoint does not implement ${service}:${action}`, 400);
        }
        const result = handler(params, { region, partition: partitionOf(region) });
        const namespace = `https://${service}.amazonaws.com/doc/${API_VERSIONS[service] ?? ""}/`;
        this.send(response, 200, `<${action}Response xmlns="${namespace}"><${action}Result>${result}</${action}Result>` +
          `<ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></${action}Response>`);
      } catch (error) {
        const failure = error instanceof AwsError ? error : new AwsError("ServiceFailure", String(error), 500, "Receiver");
        this.send(response, failure.status, `<ErrorResponse><Error><Type>${failure.type}</Type>` +
          `<Code>${failure.code}</Code><Message>${xml(failure.message)}</Message></Error>` +
          `<RequestId>${requestId}</RequestId></ErrorResponse>`);
      }
    });
  }

  private send(response: http.ServerResponse, status: number, body: string): void {
    response.writeHead(status, { "Content-Type": "text/xml", "Content-Length": Buffer.byteLength(body) });
    response.end(body);
  }
}
