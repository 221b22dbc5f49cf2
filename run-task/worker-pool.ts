/**
 * A bounded worker pool: at most `concurrency` jobs run at once and at most
 * `queueLimit` wait. `submit` refuses a job when both are full, so a burst of
 * runs costs bounded memory and the caller can answer 429.
 */

export interface PoolJob {
  /** Runs the work; the pool never lets it reject into the event loop. */
  readonly run: () => Promise<void>;
  /** Called instead of `run` for a job still waiting when the pool is closed. */
  readonly cancel: () => Promise<void>;
}

export class WorkerPool {
  private running = 0;
  private readonly waiting: PoolJob[] = [];
  private closed = false;
  private idle?: () => void;

  constructor(readonly concurrency: number, readonly queueLimit: number) {
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new RangeError(`concurrency ${concurrency} is not a whole number >= 1`);
    if (!Number.isInteger(queueLimit) || queueLimit < 0) throw new RangeError(`queue ${queueLimit} is not a whole number >= 0`);
  }

  /** Jobs running now. */
  get active(): number {
    return this.running;
  }

  /** Jobs waiting for a worker. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Starts or queues `job`; false when the pool is closed or full. */
  submit(job: PoolJob): boolean {
    if (this.closed) return false;
    if (this.running < this.concurrency) this.start(job);
    else if (this.waiting.length < this.queueLimit) this.waiting.push(job);
    else return false;
    return true;
  }

  /**
   * Refuses new jobs and cancels the waiting ones; resolves when every job
   * (running or cancelled) has finished. Called once.
   */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.waiting.splice(0).map((job) => job.cancel().catch(() => undefined)));
    if (this.running > 0) await new Promise<void>((resolve) => (this.idle = resolve));
  }

  private start(job: PoolJob): void {
    this.running++;
    void job.run().catch(() => undefined).finally(() => {
      this.running--;
      const next = this.waiting.shift();
      if (next) this.start(next);
      else if (this.running === 0) this.idle?.();
    });
  }
}
