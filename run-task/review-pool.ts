/**
 * A pool of review threads (`node:worker_threads`), so that reviews never hold the HTTP event loop. Each thread
 * reviews one plan at a time within a time budget (the pool terminates a thread that takes longer) and a memory budget
 * (its V8 heap limit, `resourceLimits`); a thread that dies is replaced, and its review fails with the reason.
 */
import { Worker } from "worker_threads";
import type { ReviewOptions } from "../review/review";
import type { Logger } from "./log";
import { threadSource } from "./thread-source";
import type { reviewResult, SerialisedResult } from "./task-result";

/** One review: the plan's bytes (moved to the thread, not copied), and options passed through as they are. */
export interface ReviewRequest {
  readonly plan: Uint8Array;
  /** Names the plan in messages. */
  readonly source: string;
  /** For `reviewPlan` (structured-cloneable values only). */
  readonly review: ReviewOptions;
  /** For `reviewResult`. */
  readonly result: Parameters<typeof reviewResult>[1];
}

/** A review thread's answer: the callback body, or why there is none. */
export type ReviewReply =
  | { readonly ok: true; readonly result: SerialisedResult; readonly findings: number; readonly seconds: number }
  | { readonly ok: false; readonly reason: string };

export interface PoolOptions {
  /** Review threads. */
  readonly size: number;
  /** Time budget of one review. */
  readonly timeoutMs: number;
  /** Memory budget of one review thread: its V8 heap (old generation) limit, in MB. */
  readonly memoryMb: number;
  /** Modules a thread loads before it takes its first review, so that the first review does not pay for them. */
  readonly preload?: readonly string[];
  readonly log: Logger;
}

/** Why `review` rejects: the pool is closing, or the caller withdrew the review before a thread took it. */
export class ReviewNotStarted extends Error {}

type Job = {
  readonly request: ReviewRequest;
  readonly onStart: () => boolean;
  readonly resolve: (reply: ReviewReply) => void;
  readonly reject: (error: Error) => void;
};

/** A thread and what it is doing. */
type Slot = { readonly worker: Worker; ready: boolean; job?: Job; timer?: NodeJS.Timeout; exiting?: string };

export class ReviewPool {
  /** Starts `size` threads and resolves once each has loaded the review; rejects if one cannot. */
  static async start(options: PoolOptions): Promise<ReviewPool> {
    const { size, timeoutMs, memoryMb } = options;
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`review threads ${size} is not a whole number >= 1`);
    if (!(timeoutMs > 0)) throw new RangeError(`review time budget ${timeoutMs} ms is not > 0`);
    if (!(memoryMb > 0)) throw new RangeError(`review memory budget ${memoryMb} MB is not > 0`);
    const pool = new ReviewPool(options);
    const started = Array.from({ length: size }, () => pool.spawn());
    try {
      await Promise.all(started.map((slot) => pool.readyOf(slot)));
    } catch (error) {
      await pool.close();
      throw error;
    }
    return pool;
  }

  private readonly slots = new Set<Slot>();
  private readonly waiting: Job[] = [];
  private readonly starting = new WeakMap<Slot, Promise<void>>();
  private closed = false;

  private constructor(private readonly options: PoolOptions) {}

  /** Reviews waiting for a thread. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Threads reviewing now. */
  get busy(): number {
    return [...this.slots].filter((slot) => slot.job).length;
  }

  get size(): number {
    return this.options.size;
  }

  /**
   * Reviews `request` on the next free thread; `onStart` is called when a thread is about to take it, and withdraws
   * it by answering false. Resolves with the thread's reply (a failed one for a thread over its time or memory
   * budget); rejects with ReviewNotStarted when withdrawn or once the pool is closing.
   */
  review(request: ReviewRequest, onStart: () => boolean = () => true): Promise<ReviewReply> {
    if (this.closed) return Promise.reject(new ReviewNotStarted("the review threads are stopping"));
    return new Promise((resolve, reject) => {
      this.waiting.push({ request, onStart, resolve, reject });
      this.dispatch();
    });
  }

  /** Refuses reviews not yet started (ReviewNotStarted), and ends every thread: gracefully, then by force after `graceMs`. */
  async close(graceMs = 1000): Promise<void> {
    this.closed = true;
    for (const job of this.waiting.splice(0)) job.reject(new ReviewNotStarted("the review threads are stopping"));
    await Promise.all([...this.slots].map((slot) => this.end(slot, graceMs)));
  }

  private spawn(): Slot {
    const worker = new Worker(threadSource("review-thread"), {
      eval: true,
      resourceLimits: { maxOldGenerationSizeMb: this.options.memoryMb },
      workerData: { preload: this.options.preload ?? [] },
    });
    const slot: Slot = { worker, ready: false };
    this.slots.add(slot);
    this.starting.set(slot, new Promise<void>((resolve, reject) => {
      worker.once("message", (message) => (message === "ready" ? resolve() : reject(new Error(`unexpected first message ${message}`))));
      worker.once("error", reject);
      worker.once("exit", (code) => reject(new Error(`the review thread exited with code ${code} while starting`)));
    }).then(() => {
      slot.ready = true;
      worker.on("message", (reply: ReviewReply) => this.answer(slot, reply));
      this.dispatch();
    }));
    // A failure while starting is the starter's to report; afterwards it fails the thread's review.
    this.starting.get(slot)!.catch(() => undefined);
    worker.on("error", (error: Error & { code?: string }) => {
      slot.exiting ??= !slot.ready ? `the review thread could not start: ${error.message}`
        : error.code === "ERR_WORKER_OUT_OF_MEMORY" ? `the review needed more than its memory budget of ${this.options.memoryMb} MB`
        : `the review thread failed: ${error.message}`;
    });
    worker.on("exit", (code) => this.exited(slot, code));
    return slot;
  }

  private readyOf(slot: Slot): Promise<void> {
    return this.starting.get(slot)!;
  }

  /** Gives waiting reviews to free, ready threads. */
  private dispatch(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.job || slot.exiting) continue;
      const job = this.nextJob();
      if (!job) return;
      slot.job = job;
      slot.timer = setTimeout(() => {
        slot.exiting = `the review took longer than its time budget of ${this.options.timeoutMs} ms`;
        void slot.worker.terminate();
      }, this.options.timeoutMs);
      // Moved, not copied: the plan's memory leaves this thread with it.
      const { plan } = job.request;
      const movable = plan.byteOffset === 0 && plan.byteLength === plan.buffer.byteLength;
      slot.worker.postMessage(job.request, movable ? [plan.buffer as ArrayBuffer] : []);
    }
  }

  /** The first waiting review its caller still wants; the others are withdrawn. */
  private nextJob(): Job | undefined {
    for (let job = this.waiting.shift(); job; job = this.waiting.shift()) {
      if (job.onStart()) return job;
      job.reject(new ReviewNotStarted("withdrawn"));
    }
    return undefined;
  }

  private answer(slot: Slot, reply: ReviewReply): void {
    const job = slot.job;
    if (!job || slot.exiting) return;
    clearTimeout(slot.timer);
    slot.job = undefined;
    job.resolve(reply);
    this.dispatch();
  }

  /**
   * A thread ended: its review (if any) fails with why, and, unless the pool is closing, a new thread takes its place:
   * at once after a review, a second later after a thread that could not start (which fails what waits, rather than
   * holding it, since the next start will likely fail the same way).
   */
  private exited(slot: Slot, code: number): void {
    clearTimeout(slot.timer);
    this.slots.delete(slot);
    const reason = slot.exiting ?? `the review thread exited with code ${code}`;
    if (slot.job) slot.job.resolve({ ok: false, reason });
    if (this.closed) return;
    this.options.log("worker.replaced", { reason, reviewing: slot.job !== undefined, started: slot.ready });
    if (slot.ready) {
      this.spawn();
      return;
    }
    for (const job of this.waiting.splice(0)) job.resolve({ ok: false, reason: `no review thread could start: ${reason}` });
    setTimeout(() => {
      if (!this.closed) this.spawn();
    }, 1000);
  }

  private async end(slot: Slot, graceMs: number): Promise<void> {
    const exited = new Promise<void>((resolve) => slot.worker.once("exit", () => resolve()));
    // Unreferenced, the port lets an idle thread finish by itself (its exit handlers run); a busy one is terminated.
    if (!slot.job && slot.ready) slot.worker.postMessage("stop");
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, slot.job ? 0 : graceMs)))]);
    clearTimeout(timer);
    if (!this.slots.has(slot)) return;
    slot.exiting ??= "the server stopped before the review finished";
    await slot.worker.terminate();
  }
}
