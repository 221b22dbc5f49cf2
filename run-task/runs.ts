/**
 * The runs the server has accepted, from acceptance to their one result: each waits for a download slot, downloads
 * its plan, waits for a review thread, is reviewed there, and has its result sent. The queue is bounded by memory:
 * a run is refused (429, by the HTTP thread) only when what the waiting runs hold (their requests, and plans
 * downloaded but not yet taken by a thread) would pass the budget. A run that waits or works longer than `progressMs`
 * sends a `running` update every `progressMs`, so that Terraform Cloud's 10-minute silence limit never fails it.
 */
import type { ReviewOptions } from "../review/review";
import { elapsedMs, Logger } from "./log";
import type { Metrics } from "./metrics";
import { fetchPlan, OutboundOptions, sendResult } from "./outbound";
import type { QueueBudget } from "./queue-budget";
import { PLAN_STAGES, RunTaskRequest } from "./request";
import { ReviewNotStarted, ReviewPool } from "./review-pool";
import { errorResult, progressResult, SerialisedResult, serialise } from "./task-result";
import type { Severity } from "../review/findings";

export interface RunsOptions extends OutboundOptions {
  readonly failOn: Severity;
  readonly failOnNew?: boolean;
  readonly sourceUrl?: string;
  /** Passed to `reviewPlan` as it is. */
  readonly reviewOptions: ReviewOptions;
  /** The memory the waiting runs may hold, which the HTTP thread reserves a run's share of before it answers 200. */
  readonly budget: QueueBudget;
  /** Plan downloads at once. */
  readonly downloads: number;
  /** Time between progress updates of a run not yet done. */
  readonly progressMs: number;
  readonly pool: ReviewPool;
  readonly metrics: Metrics;
  readonly log: Logger;
}

/** What a run is doing: waiting for a download slot, downloading, waiting for a review thread, reviewed, or sending its result. */
type Stage = "waiting" | "downloading" | "queued" | "reviewing" | "delivering";

const PROGRESS: { readonly [stage in Stage]: string } = {
  waiting: "waiting to download the plan",
  downloading: "downloading the plan",
  queued: "waiting for a review thread",
  reviewing: "reviewing the plan",
  delivering: "sending the result",
};

export { RUN_OVERHEAD_BYTES } from "./queue-budget";

const SHUTDOWN_MESSAGE = "the run task server stopped before the review finished; re-run the plan to review it";

class Run {
  stage: Stage = "waiting";
  readonly accepted = process.hrtime.bigint();
  /** The progress update under way, which the result waits for, so that it always comes last. */
  progress?: Promise<void>;
  progressTimer?: NodeJS.Timeout;
  /** `held`: the bytes this run holds in the queue's budget. */
  constructor(readonly request: RunTaskRequest, public held: number) {}
}

export class Runs {
  /** Runs accepted and not finished. */
  private readonly runs = new Set<Run>();
  /** The runs whose result is not sent yet; taking a run out of it is the right to send its result. */
  private readonly unsent = new Set<Run>();
  private readonly waiting: Run[] = [];
  private downloading = 0;
  private stopping = false;
  private settled?: () => void;
  /** Results being sent, which a shutdown waits for. */
  private readonly delivering = new Set<Promise<void>>();

  constructor(private readonly options: RunsOptions) {}

  /** Counts for /healthz and /metrics. */
  get counts(): { readonly queued: number; readonly active: number; readonly queueBytes: number } {
    const queued = [...this.runs].filter((run) => run.stage === "waiting" || run.stage === "queued").length;
    return { queued, active: this.runs.size - queued, queueBytes: this.options.budget.held };
  }

  /**
   * Queues a run for `request`, which holds `held` bytes of the budget (reserved by the HTTP thread before it answered
   * 200). Never called once `stop` has begun: the server drains the HTTP thread first.
   */
  admit(request: RunTaskRequest, held: number): void {
    const run = new Run(request, held);
    this.runs.add(run);
    this.unsent.add(run);
    this.waiting.push(run);
    run.progressTimer = setInterval(() => this.sendProgress(run), this.options.progressMs);
    this.pump();
  }

  /** Starts downloads while there are slots, memory, and no shutdown. */
  private pump(): void {
    const { budget, downloads } = this.options;
    while (!this.stopping && this.downloading < downloads && budget.held <= budget.limit) {
      const run = this.waiting.shift();
      if (!run) return;
      this.downloading++;
      run.stage = "downloading";
      void this.work(run)
        .catch((error: Error) => this.options.log("review.failed", { run_id: run.request.run_id, reason: error.message }))
        .finally(() => this.finished(run));
    }
  }

  /** Reviews the run's plan and sends the result, unless a shutdown has failed the run meanwhile. */
  private async work(run: Run): Promise<void> {
    let body: SerialisedResult;
    try {
      body = await this.review(run);
    } catch (error) {
      if (error instanceof ReviewNotStarted) return;
      throw error;
    }
    if (this.unsent.delete(run)) await this.deliver(run, body);
    else this.options.log("result.superseded", { run_id: run.request.run_id, reason: "the shutdown already sent a failed result" });
  }

  /** The result of reviewing the run's plan; a failure is a failed result. Throws ReviewNotStarted only. */
  private async review(run: Run): Promise<SerialisedResult> {
    const { request } = run;
    const { failOn, failOnNew, sourceUrl, log, pool, metrics } = this.options;
    let downloaded = false;
    const downloadDone = () => {
      if (downloaded) return;
      downloaded = true;
      this.downloading--;
      this.pump();
    };
    try {
      if (!PLAN_STAGES.has(request.stage) || !request.plan_json_api_url) {
        downloadDone();
        return serialise(errorResult(`this task reviews a plan; it was called at stage ${request.stage}: register it at post_plan`, sourceUrl));
      }
      const fetching = process.hrtime.bigint();
      let plan: Uint8Array;
      try {
        plan = await fetchPlan(this.options, request.plan_json_api_url, request.access_token);
      } finally {
        downloadDone();
      }
      log("plan.fetched", { run_id: request.run_id, bytes: plan.byteLength, ms: elapsedMs(fetching) });
      this.hold(run, plan.byteLength);
      run.stage = "queued";
      const reply = await pool.review({
        plan,
        source: `the plan of ${request.run_id}`,
        review: this.options.reviewOptions,
        result: { failOn, failOnNew, outcomes: request.capabilities?.outcomes === true, sourceUrl },
      }, () => {
        // Withdrawn: a shutdown has failed the run while it waited.
        if (!this.unsent.has(run)) return false;
        run.stage = "reviewing";
        this.hold(run, -plan.byteLength);
        return true;
      });
      if (!reply.ok) throw new Error(reply.reason);
      metrics.reviewSeconds.observe(reply.seconds);
      log("plan.reviewed", { run_id: request.run_id, findings: reply.findings, simulate: this.options.reviewOptions.simulate !== false,
        ms: Math.round(reply.seconds * 10_000) / 10 });
      return reply.result;
    } catch (error) {
      if (error instanceof ReviewNotStarted) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      log("review.failed", { run_id: request.run_id, reason });
      metrics.reviewFailures.inc();
      return serialise(errorResult(reason, sourceUrl));
    }
  }

  private hold(run: Run, bytes: number): void {
    run.held += bytes;
    this.options.budget.add(bytes);
  }

  /** A running update for `run`, unless one is under way or its result is being sent; one attempt. */
  private sendProgress(run: Run): void {
    if (run.progress || !this.unsent.has(run)) return;
    const { request } = run;
    const seconds = Math.round(elapsedMs(run.accepted) / 1000);
    const body = progressResult(`${PROGRESS[run.stage]} (${seconds} s since the request)`, this.options.sourceUrl);
    run.progress = sendResult(this.options, request.task_result_callback_url, request.access_token, JSON.stringify(body), 1).then(() => {
      this.options.metrics.progress.inc({ outcome: "sent" });
      this.options.log("progress.sent", { run_id: request.run_id, stage: run.stage, seconds });
    }, (error: Error) => {
      this.options.metrics.progress.inc({ outcome: "undelivered" });
      this.options.log("progress.undelivered", { run_id: request.run_id, stage: run.stage, reason: error.message });
    }).finally(() => (run.progress = undefined));
  }

  /** Sends `body` as the run's result (after any progress update under way) and logs whether it arrived; never throws. */
  private deliver(run: Run, body: SerialisedResult): Promise<void> {
    const delivery = this.send(run, body).finally(() => this.delivering.delete(delivery));
    this.delivering.add(delivery);
    return delivery;
  }

  private async send(run: Run, body: SerialisedResult): Promise<void> {
    const { request } = run;
    const { log, metrics } = this.options;
    clearInterval(run.progressTimer);
    run.stage = "delivering";
    await run.progress;
    const fields = { run_id: request.run_id, status: body.status };
    try {
      const attempts = await sendResult(this.options, request.task_result_callback_url, request.access_token, body.json, undefined,
        ({ attempt, reason, waitMs }) => log("result.retrying", { ...fields, attempt, reason, wait_ms: waitMs }));
      metrics.sent.inc({ status: fields.status });
      log("result.sent", { ...fields, attempts, ms: elapsedMs(run.accepted) });
    } catch (error) {
      metrics.undelivered.inc();
      log("result.undelivered", { ...fields, reason: (error as Error).message, ms: elapsedMs(run.accepted) });
    }
  }

  /** Fails the run with a result that asks to re-run, unless its result has been sent. */
  private async fail(run: Run): Promise<void> {
    if (this.unsent.delete(run)) await this.deliver(run, serialise(errorResult(SHUTDOWN_MESSAGE, this.options.sourceUrl)));
    this.checkSettled();
  }

  private finished(run: Run): void {
    clearInterval(run.progressTimer);
    if (!this.runs.delete(run)) return;
    this.options.budget.release(run.held);
    run.held = 0;
    this.checkSettled();
  }

  private checkSettled(): void {
    if (this.settled && ![...this.runs].some((run) => this.unsent.has(run) && run.stage !== "waiting")) this.settled();
  }

  /**
   * Shutdown: starts nothing more; fails at once the runs that have not begun (waiting for a download or a review
   * thread); gives the others `graceMs` to finish, then fails those still without a result; resolves once every
   * result under way has been sent (or given up).
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    const neverStarted = this.waiting.splice(0);
    const queued = [...this.runs].filter((run) => run.stage === "queued");
    const settled = new Promise<void>((resolve) => (this.settled = resolve));
    const failing = Promise.all([
      ...neverStarted.map(async (run) => {
        await this.fail(run);
        this.finished(run);
      }),
      ...queued.map((run) => this.fail(run)),
    ]);
    this.checkSettled();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.all([settled, failing]), new Promise((resolve) => (timer = setTimeout(resolve, graceMs)))]);
    clearTimeout(timer);
    await Promise.all([failing, ...[...this.unsent].map((run) => this.fail(run))]);
    await Promise.all(this.delivering);
  }
}
