/**
 * A bounded worker pool: at most `concurrency` jobs run at once and at most
 * `queueLimit` wait. `submit` refuses a job when both are full, so a burst of
 * runs costs bounded memory and the caller can answer 429.
 */

export type Job = () => Promise<void>;

export interface PoolJob {
  /** Runs the work; the pool never lets it reject into the event loop. */
  readonly run: Job;
  /** Called instead of `run` for a job still waiting when the pool is closed. */
  readonly cancel: () => Promise<void>;
}

export class WorkerPool {
  private running = 0;
  private readonly waiting: PoolJob[] = [];
  private closed = false;
  private readonly idleWaiters: Array<() => void> = [];

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
    if (this.running < this.concurrency) {
      this.start(job);
      return true;
    }
    if (this.waiting.length >= this.queueLimit) return false;
    this.waiting.push(job);
    return true;
  }

  /**
   * Refuses new jobs and cancels the waiting ones; resolves when every job
   * (running or cancelled) has finished.
   */
  async close(): Promise<void> {
    this.closed = true;
    const cancelled = this.waiting.splice(0);
    await Promise.all(cancelled.map((job) => job.cancel().catch(() => undefined)));
    if (this.running > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private start(job: PoolJob): void {
    this.running++;
    void job.run().catch(() => undefined).finally(() => {
      this.running--;
      const next = this.waiting.shift();
      if (next) this.start(next);
      else if (this.running === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve());
    });
  }
}
