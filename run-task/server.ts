/**
 * The run task server, in three parts on threads of their own:
 * - the HTTP thread (run-task/http-thread.ts) accepts connections and checks each request (size, signature, fields,
 *   URLs) before any work; it answers 200 once the run's share of the queue's memory budget is reserved (429 when it
 *   is spent), and hands the run to this thread;
 * - this thread runs the runs (run-task/runs.ts): downloads, results, progress, shutdown, metrics and the log;
 * - the review threads (run-task/review-pool.ts) review the plans.
 * Each run gets one result by callback: the review's, or a failed one that says why, so that a mandatory task never
 * waits for Terraform Cloud's timeout.
 */
import { setMaxListeners } from "events";
import * as os from "os";
import * as path from "path";
import { Worker } from "worker_threads";
import { Severity } from "../review/findings";
import type { ReviewOptions } from "../review/review";
import type { HttpCommand, HttpEvent, HttpSettings } from "./http-thread";
import { Logger } from "./log";
import { Metrics, METRICS_CONTENT_TYPE } from "./metrics";
import { QueueBudget } from "./queue-budget";
import { ReviewPool } from "./review-pool";
import { Runs } from "./runs";
import { threadSource } from "./thread-source";

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
      server.listeningUrl = await server.listen();
    } catch (error) {
      await pool.close();
      throw error;
    }
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
  private readonly budget: QueueBudget;
  private readonly metrics = new Metrics();
  private readonly runs: Runs;
  private http!: Worker;
  /** Settles once the HTTP thread has ended. */
  private httpEnded!: Promise<void>;
  private drained?: () => void;
  private stopping?: Promise<void>;
  /** Resolves `failure`. */
  private failed?: (reason: string) => void;
  /** Resolves with the reason if the HTTP thread fails while the server runs (the server then stops); never otherwise. */
  readonly failure = new Promise<string>((resolve) => (this.failed = resolve));

  private constructor(private readonly options: ServerOptions & typeof DEFAULTS & { readonly workers: number },
    private readonly pool: ReviewPool) {
    // Every request in flight listens to it: hundreds at once is normal, not a leak.
    setMaxListeners(0, this.abortRequests.signal);
    this.budget = QueueBudget.create(options.queueBytes);
    this.runs = new Runs({
      ...options,
      tfcOrigin: new URL(options.tfcUrl).origin,
      shutdown: this.abortRequests.signal,
      reviewOptions: { ...options.reviewOptions, simulate: options.simulate },
      downloads: options.downloads ?? 4 * options.workers,
      budget: this.budget,
      pool,
      metrics: this.metrics,
    });
  }

  /** `http://HOST:PORT`, where the server listens (or listened, once stopped). */
  get url(): string {
    return this.listeningUrl;
  }

  /** Starts the HTTP thread; resolves with its URL once it listens, rejects with why it cannot. */
  private listen(): Promise<string> {
    const { options } = this;
    const settings: HttpSettings = {
      host: options.host, port: options.port, hmacKey: options.hmacKey, tfcOrigin: new URL(options.tfcUrl).origin,
      maxBodyBytes: options.maxBodyBytes, headersTimeoutMs: options.headersTimeoutMs, requestTimeoutMs: options.requestTimeoutMs,
      keepAliveTimeoutMs: options.keepAliveTimeoutMs, maxConnections: options.maxConnections, deadlineCheckMs: DEADLINE_CHECK_MS,
      budget: { memory: this.budget.memory, limit: this.budget.limit },
    };
    this.http = new Worker(threadSource("http-thread"), { eval: true, workerData: settings });
    let reason = "the HTTP thread ended";
    this.http.on("error", (error) => (reason = `the HTTP thread failed: ${error.message}`));
    this.httpEnded = new Promise((resolve) => this.http.once("exit", () => resolve()));
    return new Promise<string>((resolve, reject) => {
      let listening = false;
      this.http.on("message", (event: HttpEvent) => {
        if (event.type === "listening") {
          listening = true;
          resolve(`http://${event.address}:${event.port}`);
        } else if (event.type === "failed") {
          reason = event.reason;
        } else {
          this.handle(event);
        }
      });
      void this.httpEnded.then(() => {
        if (!listening) return reject(new Error(reason));
        if (this.stopping) return;
        this.options.log("server.failed", { reason });
        this.failed?.(reason);
        void this.stop();
      });
    });
  }

  private command(command: HttpCommand): void {
    this.http.postMessage(command);
  }

  /** What the HTTP thread tells: a run accepted, a request refused or answered, or a question for /healthz or /metrics. */
  private handle(event: Exclude<HttpEvent, { type: "listening" | "failed" }>): void {
    const { log } = this.options;
    switch (event.type) {
      case "accepted": {
        const { request, held, ms } = event;
        this.runs.admit(request, held);
        this.metrics.accepted.inc();
        log("request.accepted", {
          run_id: request.run_id, workspace: request.workspace_name, organization: request.organization_name,
          stage: request.stage, enforcement: request.task_result_enforcement_level, ms,
        });
        return;
      }
      case "refused":
        this.metrics.refused.inc({ status: String(event.status) });
        log("request.refused", { status: event.status, reason: event.reason, run_id: event.runId });
        return;
      case "verification":
        log("verification.answered", {});
        return;
      case "error":
        log("request.error", { reason: event.reason });
        return;
      case "ask":
        this.command(event.path === "/healthz" ? this.health(event.id, event.sockets)
          : { type: "answer", id: event.id, status: 200, text: this.metricsText(event.sockets), contentType: METRICS_CONTENT_TYPE });
        return;
      case "drained":
        this.drained?.();
        return;
    }
  }

  private health(id: number, sockets: number): HttpCommand {
    const { queued, active } = this.runs.counts;
    return {
      type: "answer", id, status: this.stopping ? 503 : 200, contentType: "application/json",
      text: JSON.stringify({ status: this.stopping ? "stopping" : "ok", active, queued, sockets }),
    };
  }

  private metricsText(sockets: number): string {
    const { queued, active, queueBytes } = this.runs.counts;
    return this.metrics.render({
      run_task_open_sockets: { help: "Open client connections.", value: sockets },
      run_task_runs_queued: { help: "Runs waiting for a download slot or a review thread.", value: queued },
      run_task_runs_active: { help: "Runs downloading, under review or sending their result.", value: active },
      run_task_queue_bytes: { help: "Memory held by waiting runs, in bytes.", value: queueBytes },
      run_task_queue_budget_bytes: { help: "The memory budget of waiting runs, in bytes.", value: this.options.queueBytes },
      run_task_review_threads: { help: "Review threads.", value: this.pool.size },
      run_task_review_threads_busy: { help: "Review threads reviewing now.", value: this.pool.busy },
    });
  }

  /** Has the HTTP thread stop listening and refuse new runs (503); resolves once every run it accepted is here. */
  private drain(): Promise<void> {
    const drained = new Promise<void>((resolve) => (this.drained = resolve));
    this.command({ type: "drain" });
    return Promise.race([drained, this.httpEnded]);
  }

/**
   * Graceful shutdown: refuses new work (503), fails the runs that have not begun with a result, gives running ones
   * `shutdownGraceMs` to finish, fails the rest, then closes. Calling it again waits for the same shutdown.
   */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      const { queued, active } = this.runs.counts;
      this.options.log("server.stopping", { active, queued });
      await this.drain();
      await this.runs.stop(this.options.shutdownGraceMs);
      // Whatever still runs has had its result sent; its downloads and reviews need not hold the process.
      this.abortRequests.abort();
      await this.pool.close();
      this.command({ type: "close" });
      await this.httpEnded;
      this.options.log("server.stopped", {});
    })();
    return this.stopping;
  }
}
