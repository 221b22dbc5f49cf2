/**
 * The server's metrics, and their exposition in Prometheus's text format (version 0.0.4): counters by label, one
 * histogram, and gauges read when `/metrics` is scraped.
 */

/** Upper bounds (seconds) of the review time histogram: a review takes tens of milliseconds to a few seconds. */
export const REVIEW_SECONDS_BUCKETS = [0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];

export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

type Labels = { readonly [name: string]: string };

/** A counter with labels: one value per combination of label values. */
class Counter {
  private readonly values = new Map<string, { labels: Labels; value: number }>();
  constructor(readonly name: string, readonly help: string) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = JSON.stringify(labels);
    const entry = this.values.get(key) ?? { labels, value: 0 };
    entry.value += by;
    this.values.set(key, entry);
  }

  get(labels: Labels = {}): number {
    return this.values.get(JSON.stringify(labels))?.value ?? 0;
  }

  render(): string[] {
    const samples = this.values.size === 0 ? [`${this.name} 0`]
      : [...this.values.values()].map(({ labels, value }) => `${this.name}${labelText(labels)} ${value}`);
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`, ...samples];
  }
}

/** A histogram of seconds: cumulative buckets, sum and count. */
class Histogram {
  private readonly counts: number[];
  private sum = 0;
  private count = 0;
  constructor(readonly name: string, readonly help: string, readonly buckets: readonly number[]) {
    this.counts = buckets.map(() => 0);
  }

  observe(value: number): void {
    this.buckets.forEach((bound, index) => {
      if (value <= bound) this.counts[index]++;
    });
    this.sum += value;
    this.count++;
  }

  render(): string[] {
    return [
      `# HELP ${this.name} ${this.help}`,
      `# TYPE ${this.name} histogram`,
      ...this.buckets.map((bound, index) => `${this.name}_bucket{le="${bound}"} ${this.counts[index]}`),
      `${this.name}_bucket{le="+Inf"} ${this.count}`,
      `${this.name}_sum ${this.sum}`,
      `${this.name}_count ${this.count}`,
    ];
  }
}

/** A label set as the text format writes it: `{name="value",…}`, values escaped. */
function labelText(labels: Labels): string {
  const pairs = Object.entries(labels).map(([name, value]) =>
    `${name}="${value.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"')}"`);
  return pairs.length === 0 ? "" : `{${pairs.join(",")}}`;
}

/** What the server counts while it runs. */
export class Metrics {
  readonly accepted = new Counter("run_task_runs_accepted_total", "Run task requests accepted (answered 200) and queued for review.");
  readonly refused = new Counter("run_task_requests_refused_total", "Requests refused, by the HTTP status of the answer.");
  readonly sent = new Counter("run_task_results_sent_total", "Final results Terraform Cloud accepted, by status (passed or failed).");
  readonly undelivered = new Counter("run_task_results_undelivered_total", "Final results that no callback attempt delivered.");
  readonly progress = new Counter("run_task_progress_updates_total", "Progress updates (status running), by outcome (sent or undelivered).");
  readonly reviewFailures = new Counter("run_task_review_failures_total",
    "Runs that could not be reviewed (plan download, plan, time or memory budget), failed with the reason.");
  readonly reviewSeconds = new Histogram("run_task_review_seconds", "Time a review thread took to review one plan.",
    REVIEW_SECONDS_BUCKETS);

  /** The exposition: these counters and the gauges given, read now. */
  render(gauges: { readonly [name: string]: { readonly help: string; readonly value: number } }): string {
    const lines = [this.accepted, this.refused, this.sent, this.undelivered, this.progress, this.reviewFailures, this.reviewSeconds]
      .flatMap((metric) => metric.render());
    for (const [name, { help, value }] of Object.entries(gauges)) lines.push(`# HELP ${name} ${help}`, `# TYPE ${name} gauge`, `${name} ${value}`);
    return `${lines.join("\n")}\n`;
  }
}
