/**
 * The run task server: routes and connections. A request is checked (size, signature, fields, URLs) before any work;
 * its run is then queued and answered 200 (429 when the queue's memory budget is spent). The runs (run-task/runs.ts)
 * are reviewed in a pool of threads, so this event loop only answers; each gets one result by callback: the review's,
 * or a failed one that says why, so that a mandatory task never waits for Terraform Cloud's timeout.
 */
import { setMaxListeners } from "events";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { Severity } from "../review/findings";
import type { ReviewOptions } from "../review/review";
import { elapsedMs, Logger } from "./log";
import { Metrics, METRICS_CONTENT_TYPE } from "./metrics";
import { admit, Refusal } from "./request";
import { ReviewPool } from "./review-pool";
import { Runs } from "./runs";

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
  /** Whether only findings new or worse than in the prior state count against `failOn` (`--fail-on-new`). @default false */
  readonly failOnNew?: boolean;
  /**
   * Whether the review simulates the Pinpoint role (`@cloud-copilot/iam-simulate`,
   * AGPL-3.0); false runs the rules only and never loads the simulator.
   */
  readonly simulate: boolean;
  /** Link sent with every result: where users get the source of this server (AGPL-3.0 section 13; docs/run-task.md, Licence). */
  readonly sourceUrl?: string;
  readonly log: Logger;
  /** Other options for `reviewPlan`, passed to it as they are (structured-cloneable values only); `simulate` wins. @default none */
  readonly reviewOptions?: ReviewOptions;
  /** Review threads. @default the number of cores (`os.availableParallelism()`) */
  readonly workers?: number;
  /** Memory the waiting runs may hold (their requests, and plans not yet taken by a thread), in bytes; past it, 429. @default 256 MiB */
  readonly queueBytes?: number;
  /** Time budget of one review, from a thread taking it to its answer. @default 120 s */
  readonly reviewTimeoutMs?: number;
  /** Memory budget of a review thread (its V8 heap limit), in MB. @default 1024 */
  readonly reviewMemoryMb?: number;
  /** Plan downloads at once. @default 4 per review thread */
  readonly downloads?: number;
  /** Time between `running` updates of a run not yet done. @default 60 s */
  readonly progressMs?: number;
  /** Largest request body accepted (413 above). @default 64 KiB */
  readonly maxBodyBytes?: number;
  /** Largest plan JSON read. @default 64 MiB */
  readonly maxPlanBytes?: number;
  /** Time limit of each outbound request, from its start to the last byte of the answer. @default 30 s */
  readonly timeoutMs?: number;
  /** Callback attempts in all. @default 5 */
  readonly callbackAttempts?: number;
  /** First retry wait, doubled each time. @default 500 ms */
  readonly backoffMs?: number;
  /** How long a shutdown waits for running tasks before failing them. @default 25 s */
  readonly shutdownGraceMs?: number;
  /** Time a client has to send a request's headers. @default 10 s */
  readonly headersTimeoutMs?: number;
  /** Time a client has to send a whole request, headers and body. @default 20 s */
  readonly requestTimeoutMs?: number;
  /** How long an idle keep-alive connection stays open. @default 5 s */
  readonly keepAliveTimeoutMs?: number;
  /** Open connections at most; more are closed at once. @default 1024 */
  readonly maxConnections?: number;
}

const DEFAULTS = {
  queueBytes: 256 * 1024 * 1024, reviewTimeoutMs: 120_000, reviewMemoryMb: 1024, progressMs: 60_000,
  maxBodyBytes: 64 * 1024, maxPlanBytes: 64 * 1024 * 1024, timeoutMs: 30_000, callbackAttempts: 5, backoffMs: 500,
  shutdownGraceMs: 25_000, headersTimeoutMs: 10_000, requestTimeoutMs: 20_000, keepAliveTimeoutMs: 5_000, maxConnections: 1024,
};

/** How often Node checks the header and request deadlines of open connections (its own default is 30 s). */
const DEADLINE_CHECK_MS = 500;

export class RunTaskServer {
  static async start(options: ServerOptions): Promise<RunTaskServer> {
    const settings = { ...DEFAULTS, ...options, workers: options.workers ?? os.availableParallelism() };
    const { headersTimeoutMs, requestTimeoutMs, queueBytes } = settings;
    if (!(headersTimeoutMs <= requestTimeoutMs)) throw new RangeError(`headersTimeoutMs ${headersTimeoutMs} is over requestTimeoutMs ${requestTimeoutMs}`);
    if (!(queueBytes > 0)) throw new RangeError(`queueBytes ${queueBytes} is not > 0`);
    const pool = await ReviewPool.start({
      size: settings.workers, timeoutMs: settings.reviewTimeoutMs, memoryMb: settings.reviewMemoryMb, log: options.log,
      // Loaded by each thread as it starts, not by the first review it takes; never with --no-simulation (AGPL-3.0).
      preload: options.simulate ? [path.join(__dirname, "..", "review", "simulation")] : [],
    });
    const server = new RunTaskServer(settings, pool);
    try {
      await new Promise<void>((resolve, reject) => {
        server.http.once("error", reject);
        server.http.listen(options.port, options.host, () => resolve());
      });
    } catch (error) {
      await pool.close();
      throw error;
    }
    const address = server.http.address() as AddressInfo;
    server.listeningUrl = `http://${address.address}:${address.port}`;
    options.log("server.started", {
      url: server.url, tfc_origin: new URL(options.tfcUrl).origin, fail_on: options.failOn, simulate: options.simulate,
      workers: settings.workers, queue_bytes: settings.queueBytes, review_timeout_ms: settings.reviewTimeoutMs,
      review_memory_mb: settings.reviewMemoryMb, timeout_ms: settings.timeoutMs, signed: options.hmacKey !== undefined,
      source_url: options.sourceUrl,
    });
    return server;
  }

  private listeningUrl = "";
  /** Aborts the requests the server makes, at the end of a shutdown. */
  private readonly abortRequests = new AbortController();
  private readonly http: http.Server;
  private readonly metrics = new Metrics();
  private readonly runs: Runs;
  private openSockets = 0;
  private stopping?: Promise<void>;

  private constructor(private readonly options: ServerOptions & typeof DEFAULTS & { readonly workers: number },
    private readonly pool: ReviewPool) {
    const { log, headersTimeoutMs, requestTimeoutMs } = options;
    // Every request in flight listens to it: hundreds at once is normal, not a leak.
    setMaxListeners(0, this.abortRequests.signal);
    this.runs = new Runs({
      ...options,
      tfcOrigin: new URL(options.tfcUrl).origin,
      shutdown: this.abortRequests.signal,
      reviewOptions: { ...options.reviewOptions, simulate: options.simulate },
      downloads: options.downloads ?? 4 * options.workers,
      pool,
      metrics: this.metrics,
    });
    this.http = http.createServer({
      headersTimeout: headersTimeoutMs,
      requestTimeout: requestTimeoutMs,
      keepAliveTimeout: options.keepAliveTimeoutMs,
      connectionsCheckingInterval: DEADLINE_CHECK_MS,
    }, (request, response) => {
      this.route(request, response).catch((error: Error) => {
        if (error instanceof Refusal) {
          this.metrics.refused.inc({ status: String(error.status) });
          log("request.refused", { status: error.status, reason: error.message, run_id: error.runId });
          return reply(response, error.status, error.message);
        }
        log("request.error", { reason: error.message });
        reply(response, 500, "internal error");
      });
    });
    this.http.maxConnections = options.maxConnections;
    this.http.on("connection", (socket) => {
      this.openSockets++;
      socket.once("close", () => this.openSockets--);
    });
  }

  /** `http://HOST:PORT`, where the server listens (or listened, once stopped). */
  get url(): string {
    return this.listeningUrl;
  }

  /** Routes: POST / (run task requests), GET /healthz, GET /metrics. */
  private async route(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const path = (request.url ?? "/").split("?")[0];
    const routes: { [path: string]: [string, () => Promise<void> | void] } = {
      "/": ["POST", () => this.accept(request, response)],
      "/healthz": ["GET", () => this.health(response)],
      "/metrics": ["GET", () => reply(response, 200, this.metricsText(), METRICS_CONTENT_TYPE)],
    };
    const route = routes[path];
    if (!route) return reply(response, 404, `${path} not found`);
    if (request.method !== route[0]) return reply(response, 405, `${request.method} ${path} is not allowed`);
    return route[1]();
  }

  private health(response: http.ServerResponse): void {
    const { queued, active } = this.runs.counts;
    reply(response, this.stopping ? 503 : 200, JSON.stringify({
      status: this.stopping ? "stopping" : "ok", active, queued, sockets: this.openSockets,
    }), "application/json");
  }

  private metricsText(): string {
    const { queued, active, queueBytes } = this.runs.counts;
    return this.metrics.render({
      run_task_open_sockets: { help: "Open client connections.", value: this.openSockets },
      run_task_runs_queued: { help: "Runs waiting for a download slot or a review thread.", value: queued },
      run_task_runs_active: { help: "Runs downloading, under review or sending their result.", value: active },
      run_task_queue_bytes: { help: "Memory held by waiting runs, in bytes.", value: queueBytes },
      run_task_queue_budget_bytes: { help: "The memory budget of waiting runs, in bytes.", value: this.options.queueBytes },
      run_task_review_threads: { help: "Review threads.", value: this.pool.size },
      run_task_review_threads_busy: { help: "Review threads reviewing now.", value: this.pool.busy },
    });
  }

  /** Admits a run task request and queues its run; a request refused throws its Refusal. */
  private async accept(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const started = process.hrtime.bigint();
    const body = await readBody(request, this.options.maxBodyBytes);
    const admitted = admit(body, request.headers["x-tfc-task-signature"] as string | undefined,
      { hmacKey: this.options.hmacKey, tfcOrigin: new URL(this.options.tfcUrl).origin });
    if (admitted === "verification") {
      this.options.log("verification.answered", {});
      return reply(response, 200, "ok");
    }
    if (this.stopping) throw new Refusal(503, "the server is stopping", admitted.run_id);
    this.runs.admit(admitted, body.length);
    this.metrics.accepted.inc();
    this.options.log("request.accepted", {
      run_id: admitted.run_id, workspace: admitted.workspace_name, organization: admitted.organization_name,
      stage: admitted.stage, enforcement: admitted.task_result_enforcement_level, ms: elapsedMs(started),
    });
    reply(response, 200, "accepted");
  }

  /**
   * Graceful shutdown: refuses new work (503), fails the runs that have not begun with a result, gives running ones
   * `shutdownGraceMs` to finish, fails the rest, then closes. Calling it again waits for the same shutdown.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const { queued, active } = this.runs.counts;
      this.options.log("server.stopping", { active, queued });
      this.http.close();
      await this.runs.stop(this.options.shutdownGraceMs);
      // Whatever still runs has had its result sent; its downloads and reviews need not hold the process.
      this.abortRequests.abort();
      await this.pool.close();
      this.http.closeAllConnections();
      this.options.log("server.stopped", {});
    })();
    return this.stopping;
  }
}

function reply(response: http.ServerResponse, status: number, text: string, type = "text/plain; charset=utf-8"): void {
  // A client dropped (at its deadline, or gone) has no one to answer.
  if (response.headersSent || response.destroyed) return;
  const body = Buffer.from(text.endsWith("\n") ? text : `${text}\n`, "utf8");
  response.writeHead(status, { "Content-Type": type, "Content-Length": body.length, ...(status >= 400 ? { Connection: "close" } : {}) });
  response.end(body);
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
    // Dropped at its deadline (Node answers 408 and closes the connection), or gone: the first of these settles it.
    const dropped = () => new Refusal(408, `the request did not arrive whole (${size} bytes of its body came)`);
    request.on("error", () => reject(dropped()));
    request.on("close", () => {
      if (!request.complete) reject(dropped());
    });
  });
}
