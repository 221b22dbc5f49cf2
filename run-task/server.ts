/**
 * The run task server. A request is checked (size, signature, fields, origins) before any work; its run is then
 * answered 200 and started, or queued while `concurrency` runs are under way (429 past `queue` waiting). Its one result
 * goes to Terraform Cloud by callback: the review's, or a failed one that says why, so that a mandatory task never
 * waits for Terraform Cloud's timeout.
 */
import * as http from "http";
import { AddressInfo } from "net";
import { Severity } from "../review/findings";
import { parsePlan } from "../review/plan";
import { reviewPlan } from "../review/review";
import type { Waiver } from "../review/waivers";
import { elapsedMs, Logger } from "./log";
import { fetchPlan, OutboundOptions, sendResult } from "./outbound";
import { admit, PLAN_STAGES, Refusal, RunTaskRequest } from "./request";
import { errorResult, reviewResult, TaskResultBody } from "./task-result";

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
  /** The least severe finding that fails the task. */
  readonly failOn: Severity;
  /** Count only the findings a run's plan brings (new or worsened), as `npm run review -- --fail-on-new`. @default false */
  readonly failOnNew?: boolean;
  /** Waivers (`--waivers FILE`), as `npm run review` takes them. @default none */
  readonly waivers?: readonly Waiver[];
  /**
   * Whether the review simulates the Pinpoint role (`@cloud-copilot/iam-simulate`,
   * AGPL-3.0); false runs the rules only and never loads the simulator.
   */
  readonly simulate: boolean;
  /** Link sent with every result: where users get the source of this server (AGPL-3.0 section 13; docs/run-task.md, Licence). */
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

const DEFAULTS = {
  maxBodyBytes: 64 * 1024, maxPlanBytes: 64 * 1024 * 1024, timeoutMs: 30_000,
  callbackAttempts: 5, backoffMs: 500, shutdownGraceMs: 25_000,
};

/** An accepted run, from its request to its one result. */
type Run = { readonly request: RunTaskRequest; readonly started: bigint };

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
      url: server.url, tfc_origin: server.options.tfcOrigin, fail_on: options.failOn, simulate: options.simulate,
      concurrency: options.concurrency, queue: options.queue, signed: options.hmacKey !== undefined, source_url: options.sourceUrl,
    });
    return server;
  }

  private listeningUrl = "";
  private readonly options: ServerOptions & typeof DEFAULTS & OutboundOptions;
  /** Aborts the requests the server makes, at the end of a shutdown. */
  private readonly abortRequests = new AbortController();
  private readonly http: http.Server;
  private running = 0;
  private readonly waiting: Run[] = [];
  private idle?: () => void;
  /** The runs whose result is not sent yet; taking a run out of it is the right to send its result. */
  private readonly unsent = new Set<Run>();
  private stopping?: Promise<void>;

  private constructor(options: ServerOptions) {
    this.options = { ...DEFAULTS, ...options, tfcOrigin: new URL(options.tfcUrl).origin, shutdown: this.abortRequests.signal };
    const { concurrency, queue } = options;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency ${concurrency} is not a whole number >= 1`);
    if (!Number.isInteger(queue) || queue < 0) throw new RangeError(`queue ${queue} is not a whole number >= 0`);
    this.http = http.createServer({ requestTimeout: 30_000, headersTimeout: 10_000 }, (request, response) => {
      this.route(request, response).catch((error: Error) => {
        if (error instanceof Refusal) {
          options.log("request.refused", { status: error.status, reason: error.message, run_id: error.runId });
          return reply(response, error.status, error.message);
        }
        options.log("request.error", { reason: error.message });
        if (!response.headersSent) reply(response, 500, "internal error");
      });
    });
  }

  /** `http://HOST:PORT`, where the server listens (or listened, once stopped). */
  get url(): string {
    return this.listeningUrl;
  }

  /** Routes: POST / (run task requests), GET /healthz. */
  private async route(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const path = (request.url ?? "/").split("?")[0];
    if (path === "/healthz" && request.method === "GET") {
      return reply(response, this.stopping ? 503 : 200, JSON.stringify({
        status: this.stopping ? "stopping" : "ok", active: this.running, queued: this.waiting.length,
      }), "application/json");
    }
    if (path === "/" && request.method === "POST") return this.accept(request, response);
    if (path === "/" || path === "/healthz") return reply(response, 405, `${request.method} ${path} is not allowed`);
    return reply(response, 404, `${path} not found`);
  }

  /** Admits a run task request and queues its run; a request refused throws its Refusal. */
  private async accept(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const body = await readBody(request, this.options.maxBodyBytes);
    const admitted = admit(body, request.headers["x-tfc-task-signature"] as string | undefined, this.options);
    if (admitted === "verification") {
      this.options.log("verification.answered", {});
      return reply(response, 200, "ok");
    }
    if (this.stopping) throw new Refusal(503, "the server is stopping", admitted.run_id);
    const { concurrency, queue } = this.options;
    if (this.running >= concurrency && this.waiting.length >= queue) {
      throw new Refusal(429, `the queue is full (${concurrency} running, ${queue} waiting)`, admitted.run_id);
    }
    const run: Run = { request: admitted, started };
    this.unsent.add(run);
    if (this.running < concurrency) this.start(run);
    else this.waiting.push(run);
    this.options.log("request.accepted", {
      run_id: admitted.run_id, workspace: admitted.workspace_name, organization: admitted.organization_name,
      stage: admitted.stage, enforcement: admitted.task_result_enforcement_level, ms: elapsedMs(started),
    });
    reply(response, 200, "accepted");
  }

  /** Starts `run` on a worker, which then takes the next waiting run, if any. */
  private start(run: Run): void {
    this.running++;
    void this.work(run).catch(() => undefined).finally(() => {
      this.running--;
      const next = this.waiting.shift();
      if (next) this.start(next);
      else if (this.running === 0) this.idle?.();
    });
  }

  /** Reviews the run's plan and sends the result, unless a shutdown has failed the run meanwhile. */
  private async work(run: Run): Promise<void> {
    const body = await this.review(run.request);
    if (this.unsent.delete(run)) await this.deliver(run, body);
    else this.options.log("result.superseded", { run_id: run.request.run_id, reason: "the shutdown already sent a failed result" });
  }

  /** Fails the run with a result that asks to re-run, unless its result has been sent. */
  private async fail(run: Run): Promise<void> {
    if (this.unsent.delete(run)) await this.deliver(run, errorResult(SHUTDOWN_MESSAGE, this.options.sourceUrl));
  }

  /** The result of reviewing the request's plan; never throws: a failure is a failed result. */
  private async review(request: RunTaskRequest): Promise<TaskResultBody> {
    const { failOn, failOnNew, waivers, simulate, sourceUrl, log } = this.options;
    const run = request.run_id;
    if (!PLAN_STAGES.has(request.stage) || !request.plan_json_api_url) {
      return errorResult(`this task reviews a plan; it was called at stage ${request.stage}: register it at post_plan`, sourceUrl);
    }
    try {
      const fetching = process.hrtime.bigint();
      const text = await fetchPlan(this.options, request.plan_json_api_url, request.access_token);
      log("plan.fetched", { run_id: run, bytes: Buffer.byteLength(text), ms: elapsedMs(fetching) });
      const reviewing = process.hrtime.bigint();
      // `simulate` is the review's switch for the AGPL-covered simulator (see docs/run-task.md).
      const review = await reviewPlan(parsePlan(text, `the plan of ${run}`), { simulate, waivers, gate: { failOn, newOnly: failOnNew } });
      log("plan.reviewed", { run_id: run, findings: review.findings.length, simulate, ms: elapsedMs(reviewing) });
      return reviewResult(review, { failOn, failOnNew, outcomes: request.capabilities?.outcomes === true, sourceUrl });
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      log("review.failed", { run_id: run, reason });
      return errorResult(reason, sourceUrl);
    }
  }

  /** Sends `body` as the run's result and logs whether it arrived; never throws. */
  private async deliver({ request, started }: Run, body: TaskResultBody): Promise<void> {
    const fields = { run_id: request.run_id, status: body.data.attributes.status };
    try {
      const attempts = await sendResult(this.options, request.task_result_callback_url, request.access_token, body);
      this.options.log("result.sent", { ...fields, attempts, ms: elapsedMs(started) });
    } catch (error) {
      this.options.log("result.undelivered", { ...fields, reason: (error as Error).message, ms: elapsedMs(started) });
    }
  }

  /**
   * Graceful shutdown: refuses new work (503), fails the queued tasks with a
   * result, gives running ones `shutdownGraceMs` to finish, fails the rest,
   * then closes. Calling it again waits for the same shutdown.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.options.log("server.stopping", { active: this.running, queued: this.waiting.length });
      this.http.close();
      const idle = this.running > 0 ? new Promise<void>((resolve) => (this.idle = resolve)) : undefined;
      const drained = Promise.all([idle, ...this.waiting.splice(0).map((run) => this.fail(run))]);
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([drained, new Promise((resolve) => (timer = setTimeout(resolve, this.options.shutdownGraceMs)))]);
      clearTimeout(timer);
      await Promise.all([...this.unsent].map((run) => this.fail(run)));
      // Whatever still runs has had its result sent; its downloads need not hold the process.
      this.abortRequests.abort();
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

/** The raw body; a 413 Refusal past `limit` bytes (declared or received). */
function readBody(request: http.IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const tooLarge = new Refusal(413, `the body is over ${limit} bytes`);
    if (Number(request.headers["content-length"] ?? 0) > limit) return reject(tooLarge);
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      chunks.push(chunk);
      if (size > limit) {
        request.off("data", onData);
        reject(tooLarge);
      }
    };
    request.on("data", onData);
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
  });
}
