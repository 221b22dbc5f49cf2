/**
 * The run task server: routes to small handlers. A request is checked
 * (size, signature, fields, origins) before any work; a run is then queued
 * and answered 200 at once, and its result goes to Terraform Cloud by callback.
 */
import * as http from "http";
import { AddressInfo } from "net";
import { Severity } from "../review/findings";
import { elapsedMs, Logger } from "./log";
import { admit } from "./admission";
import { TerraformCloudClient } from "./outbound";
import { RunTaskRequest } from "./protocol";
import { SIGNATURE_HEADER } from "./signature";
import { runTask, sendResult } from "./task";
import { errorResult } from "./task-result";
import { WorkerPool } from "./worker-pool";

export interface ServerOptions {
  /** Address to listen on; 127.0.0.1 behind a TLS-terminating proxy. */
  readonly host: string;
  /** Port to listen on; 0 for any free port. */
  readonly port: number;
  /** The run task's HMAC key; undefined only with --insecure-no-hmac. */
  readonly hmacKey: string | undefined;
  /** Terraform Cloud or Enterprise (`https://app.terraform.io`). */
  readonly tfcUrl: string;
  /** Other origins the plan download may be redirected to. */
  readonly redirectOrigins: readonly string[];
  readonly failOn: Severity;
  readonly simulate: boolean;
  /** Link sent with every result: where users get the source of this server (AGPL-3.0 section 13). */
  readonly sourceUrl?: string;
  readonly concurrency: number;
  readonly queue: number;
  readonly log: Logger;
  /** Largest request body accepted (413 above). @default 64 KiB */
  readonly maxBodyBytes?: number;
  /** Largest plan JSON read. @default 64 MiB */
  readonly maxPlanBytes?: number;
  /** Time limit of each outbound request. @default 30 s */
  readonly timeoutMs?: number;
  /** Callback attempts in all. @default 5 */
  readonly callbackAttempts?: number;
  /** First retry wait, doubled each time. @default 500 ms */
  readonly backoffMs?: number;
  /** How long a shutdown waits for running tasks before failing them. @default 25 s */
  readonly shutdownGraceMs?: number;
}

/** A task's one result: whichever of the review and the shutdown comes first sends it. */
class Delivery {
  private sent = false;
  constructor(readonly request: RunTaskRequest, readonly started: bigint) {}

  /** Claims the right to send the result; false once it has been claimed. */
  claim(): boolean {
    if (this.sent) return false;
    this.sent = true;
    return true;
  }
}

const SHUTDOWN_MESSAGE = "the run task server stopped before the review finished; re-run the plan to review it";

export class RunTaskServer {
  static async start(options: ServerOptions): Promise<RunTaskServer> {
    const server = new RunTaskServer(options);
    await new Promise<void>((resolve, reject) => {
      server.http.once("error", reject);
      server.http.listen(options.port, options.host, () => resolve());
    });
    const address = server.http.address() as AddressInfo;
    server.listeningUrl = `http://${address.address}:${address.port}`;
    options.log("server.started", {
      url: server.url, tfc_origin: server.tfcOrigin, fail_on: options.failOn, simulate: options.simulate,
      concurrency: options.concurrency, queue: options.queue, signed: options.hmacKey !== undefined, source_url: options.sourceUrl,
    });
    return server;
  }

  readonly tfcOrigin: string;
  private readonly http: http.Server;
  private readonly pool: WorkerPool;
  private readonly client: TerraformCloudClient;
  private readonly inFlight = new Set<Delivery>();
  private stopping?: Promise<void>;

  private constructor(private readonly options: ServerOptions) {
    this.tfcOrigin = new URL(options.tfcUrl).origin;
    this.pool = new WorkerPool(options.concurrency, options.queue);
    this.client = new TerraformCloudClient({
      tfcOrigin: this.tfcOrigin,
      redirectOrigins: options.redirectOrigins,
      timeoutMs: options.timeoutMs ?? 30_000,
      maxPlanBytes: options.maxPlanBytes ?? 64 * 1024 * 1024,
      callbackAttempts: options.callbackAttempts ?? 5,
      backoffMs: options.backoffMs ?? 500,
    });
    this.http = http.createServer((request, response) => {
      this.route(request, response).catch((error: Error) => {
        options.log("request.error", { reason: error.message });
        if (!response.headersSent) reply(response, 500, "internal error");
      });
    });
    this.http.requestTimeout = 30_000;
    this.http.headersTimeout = 10_000;
  }

  /** `http://HOST:PORT`, where the server listens (or listened, once stopped). */
  get url(): string {
    return this.listeningUrl;
  }

  private listeningUrl = "";

  /** Routes: POST / (run task requests), GET /healthz. */
  private async route(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const path = (request.url ?? "/").split("?")[0];
    if (path === "/healthz" && request.method === "GET") return this.health(response);
    if (path === "/" && request.method === "POST") return this.runTaskRequest(request, response);
    if (path === "/" || path === "/healthz") return reply(response, 405, `${request.method} ${path} is not allowed`);
    return reply(response, 404, `${path} not found`);
  }

  private health(response: http.ServerResponse): void {
    reply(response, this.stopping ? 503 : 200, JSON.stringify({
      status: this.stopping ? "stopping" : "ok", active: this.pool.active, queued: this.pool.queued,
    }), "application/json");
  }

  private async runTaskRequest(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const refuse = (status: number, why: string, fields: { run_id?: string } = {}) => {
      this.options.log("request.refused", { status, reason: why, ...fields });
      reply(response, status, why);
    };
    const body = await readBody(request, this.options.maxBodyBytes ?? 64 * 1024);
    if (body === "too large") return refuse(413, `the body is over ${this.options.maxBodyBytes ?? 64 * 1024} bytes`);
    const signature = request.headers[SIGNATURE_HEADER] as string | undefined;
    const admission = admit(body, signature, { hmacKey: this.options.hmacKey, tfcOrigin: this.tfcOrigin });
    if (admission.kind === "refuse") return refuse(admission.status, admission.reason);
    if (admission.kind === "verification") {
      this.options.log("verification.answered", {});
      return reply(response, 200, "ok");
    }
    const runTaskRequest = admission.request;
    const run = runTaskRequest.run_id;
    if (this.stopping) return refuse(503, "the server is stopping", { run_id: run });
    const delivery = new Delivery(runTaskRequest, started);
    this.inFlight.add(delivery);
    const accepted = this.pool.submit({
      run: () => this.work(delivery),
      cancel: () => this.fail(delivery, SHUTDOWN_MESSAGE),
    });
    if (!accepted) {
      this.inFlight.delete(delivery);
      return refuse(429, `the queue is full (${this.options.concurrency} running, ${this.options.queue} waiting)`, { run_id: run });
    }
    this.options.log("request.accepted", {
      run_id: run, workspace: runTaskRequest.workspace_name, organization: runTaskRequest.organization_name,
      stage: runTaskRequest.stage, enforcement: runTaskRequest.task_result_enforcement_level, ms: elapsedMs(started),
    });
    reply(response, 200, "accepted");
  }

  private async work(delivery: Delivery): Promise<void> {
    await runTask(delivery.request, this.client, this.options, this.options.log, delivery.started, () => delivery.claim());
    this.inFlight.delete(delivery);
  }

  private async fail(delivery: Delivery, message: string): Promise<void> {
    if (delivery.claim()) await sendResult(delivery.request, this.client, errorResult(message, this.options.sourceUrl), this.options.log, delivery.started);
    this.inFlight.delete(delivery);
  }

  /**
   * Graceful shutdown: refuses new work (503), fails the queued tasks with a
   * result, gives running ones `shutdownGraceMs` to finish, fails the rest,
   * then closes. Calling it again waits for the same shutdown.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.options.log("server.stopping", { active: this.pool.active, queued: this.pool.queued });
      this.http.close();
      const drained = this.pool.close();
      const grace = this.options.shutdownGraceMs ?? 25_000;
      let timer: NodeJS.Timeout | undefined;
      const expired = await Promise.race([
        drained.then(() => false),
        new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), grace))),
      ]);
      clearTimeout(timer);
      if (expired) await Promise.all([...this.inFlight].map((delivery) => this.fail(delivery, SHUTDOWN_MESSAGE)));
      // Whatever still runs has had its result sent; its downloads need not hold the process.
      this.client.abortAll();
      this.http.closeAllConnections();
      this.options.log("server.stopped", {});
    })();
    return this.stopping;
  }
}

function reply(response: http.ServerResponse, status: number, text: string, type = "text/plain; charset=utf-8"): void {
  response.writeHead(status, { "Content-Type": type, ...(status >= 400 ? { Connection: "close" } : {}) });
  response.end(text.endsWith("\n") ? text : `${text}\n`);
}

/** The raw body, or "too large" past `limit` bytes (declared or received). */
function readBody(request: http.IncomingMessage, limit: number): Promise<Buffer | "too large"> {
  return new Promise((resolve, reject) => {
    if (Number(request.headers["content-length"] ?? 0) > limit) return resolve("too large");
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.off("data", onData);
        resolve("too large");
        return;
      }
      chunks.push(chunk);
    };
    request.on("data", onData);
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}
