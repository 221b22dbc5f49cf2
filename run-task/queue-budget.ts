/**
 * The memory budget of the waiting runs, shared by the HTTP thread (which reserves a run's share before it answers 200,
 * or answers 429) and the server's main thread (which adds a downloaded plan, and gives everything back when the run
 * ends). Two counters in shared memory, changed atomically: the bytes held and the runs holding them.
 */

/** What a waiting run holds besides its request body: its parsed request, timers and bookkeeping. */
export const RUN_OVERHEAD_BYTES = 16 * 1024;

const HELD = 0;
const RUNS = 1;

export class QueueBudget {
  /** A new budget of `limit` bytes, nothing held. */
  static create(limit: number): QueueBudget {
    return new QueueBudget(new SharedArrayBuffer(2 * BigInt64Array.BYTES_PER_ELEMENT), limit);
  }

  private readonly counters: BigInt64Array;

  /** The budget over `memory` (from `create` in another thread, through `memory`). */
  constructor(readonly memory: SharedArrayBuffer, readonly limit: number) {
    this.counters = new BigInt64Array(memory);
  }

  /** Bytes held now. */
  get held(): number {
    return Number(Atomics.load(this.counters, HELD));
  }

  /** Runs holding them. */
  get runs(): number {
    return Number(Atomics.load(this.counters, RUNS));
  }

  /** Takes `bytes` for a new run if they fit in the budget with what is held; false (nothing taken) if not. */
  reserve(bytes: number): boolean {
    const before = Atomics.add(this.counters, HELD, BigInt(bytes));
    if (Number(before) + bytes > this.limit) {
      Atomics.sub(this.counters, HELD, BigInt(bytes));
      return false;
    }
    Atomics.add(this.counters, RUNS, 1n);
    return true;
  }

  /** Adds `bytes` (negative to give back) to what a run holds, whatever the budget: a plan downloaded, then taken. */
  add(bytes: number): void {
    Atomics.add(this.counters, HELD, BigInt(bytes));
  }

  /** A run ended: gives back all `bytes` it held. */
  release(bytes: number): void {
    Atomics.sub(this.counters, HELD, BigInt(bytes));
    Atomics.sub(this.counters, RUNS, 1n);
  }
}
