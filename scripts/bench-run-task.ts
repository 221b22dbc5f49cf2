/**
 * `npm run bench -- run-task` (and part of `npm run bench`), through a fake Terraform Cloud on 127.0.0.1, on the
 * default stack's plan (real Terraform, local endpoint) and a hand-built plan the review fails:
 * - latency: the time from a request to its callback, the first run and then the median of BENCH_RUNS more, per mode;
 * - load: 200 signed requests, 50 in flight, to the server started as docs/run-task.md runs it unattended (its own
 *   process; the requests sent from a process of their own, scripts/bench-load.js): accepted, refused, lost (an accepted run without exactly
 *   one correct final result), the POST's answer time and the time from POST to callback (p50, p95), and the
 *   server's peak RSS.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { LocalAwsEndpoint } from "../__tests__/support/aws-endpoint";
import { FakeTerraformCloud } from "../__tests__/support/fake-terraform-cloud";
import { handBuiltPlan, role } from "../__tests__/support/hand-built-plans";
import { initialisedWorkdir } from "../__tests__/support/lifecycle";
import { RunTaskProcess } from "../__tests__/support/run-task-process";
import { testEnv } from "../__tests__/support/terraform";
import { sign } from "../run-task/request";
import { RunTaskServer } from "../run-task/server";
import { median } from "./bench-measure";

const KEY = "bench-hmac-key";
const REQUESTS = 200;
const IN_FLIGHT = 50;
/** The plans, and the status each must get. */
const PLANS = { "plan-default": "passed", "plan-flagged": "failed" } as const;
const ANYONE = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }] };

/** The value below which `share` of `values` lie (nearest rank). */
function percentile(values: readonly number[], share: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(share * sorted.length) - 1)] ?? NaN;
}

/** Request to callback through an in-process server, one run at a time: the first run and the median of `runs` more. */
async function latency(fake: FakeTerraformCloud, simulate: boolean, runs: number): Promise<[number, number]> {
  const server = await RunTaskServer.start({ host: "127.0.0.1", port: 0, hmacKey: KEY, tfcUrl: fake.apiUrl,
    redirectOrigins: [fake.archivistUrl], failOn: "error", simulate, log: () => undefined });
  try {
    const samples: number[] = [];
    for (let run = 0; run <= runs; run++) {
      const started = process.hrtime.bigint();
      const before = fake.results.length;
      const response = await fake.send(server.url, fake.payload("plan-default"), { key: KEY });
      if (response.status !== 200) throw new Error(`the run task server answered ${response.status}: ${response.text}`);
      await fake.waitForResults(before + 1);
      samples.push(Number(process.hrtime.bigint() - started) / 1e6);
    }
    return [samples[0], median(samples.slice(1))];
  } finally {
    await server.stop();
  }
}

interface Answer {
  readonly status: number;
  readonly ms: number;
  /** When it was sent (Date.now()). */
  readonly sent: number;
}

/** Runs the load generator (scripts/bench-load.js) in a process of its own, as Terraform Cloud is elsewhere; at most 5 minutes. */
function sendLoad(input: { url: string; requests: readonly { body: string; signature: string }[]; inFlight: number }): Promise<Answer[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, "bench-load.js")], { stdio: ["pipe", "pipe", "inherit"] });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), 5 * 60_000);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(JSON.parse(output));
      else reject(new Error(`the load generator exited ${code}`));
    });
    child.stdin.end(JSON.stringify(input));
  });
}

/** 200 requests, 50 in flight, to the server in its own process; a row of the load table. */
async function load(fake: FakeTerraformCloud, simulate: boolean): Promise<string> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pinpoint-ses-bench-run-task-"));
  const rssFile = path.join(dir, "rss");
  const server = await RunTaskProcess.start(["--tfc-url", fake.apiUrl, "--allow-redirect-origin", fake.archivistUrl,
    ...(simulate ? [] : ["--no-simulation"])], {
    env: { RUN_TASK_HMAC_KEY: KEY, BENCH_RSS_FILE: rssFile },
    nodeOptions: ["--require", path.join(__dirname, "bench-report-rss.js")],
    lifetimeMs: 10 * 60_000,
  });
  try {
    const planIds = Object.keys(PLANS) as (keyof typeof PLANS)[];
    const planOf = (index: number) => planIds[index % planIds.length];
    const payloads = Array.from({ length: REQUESTS }, (_, index) => fake.payload(planOf(index)));
    const requests = payloads.map((payload) => {
      const body = JSON.stringify(payload);
      return { body, signature: sign(body, KEY) };
    });
    const answers = await sendLoad({ url: server.url, requests, inFlight: IN_FLIGHT });
    const accepted = payloads.map((payload, index) => ({ payload, index })).filter(({ index }) => answers[index].status === 200);
    const finals = (payload: { [field: string]: unknown }) => fake.resultsFor(payload).filter((result) => result.body.data.attributes.status !== "running");
    // Every accepted run's result, or two minutes without a new one.
    for (let seen = -1; accepted.some(({ payload }) => finals(payload).length === 0) && seen !== fake.results.length;) {
      seen = fake.results.length;
      await fake.waitForResults(seen + 1, 120_000).catch(() => undefined);
    }
    const correct = accepted.filter(({ payload, index }) => {
      const results = finals(payload);
      return results.length === 1 && results[0].body.data.attributes.status === PLANS[planOf(index)];
    });
    const toCallback = accepted.map(({ payload, index }) => finals(payload)[0]?.at - answers[index].sent).filter(Number.isFinite);
    const refused = answers.filter((answer) => answer.status !== 200);
    const statuses = [...new Set(refused.map((answer) => answer.status))].join(", ");
    const postMs = answers.map((answer) => answer.ms);
    // The server's own time to answer, from the request's headers to the answer (its request.accepted event).
    const serverMs = server.events.filter((event) => event.event === "request.accepted").map((event) => event.ms as number);
    if (await server.stop() !== 0) throw new Error(`the run task server did not stop cleanly:\n${server.stderr}`);
    const peakRssMb = JSON.parse(fs.readFileSync(rssFile, "utf8")).maxRSS / 1024;
    const ms = (value: number) => value.toFixed(0);
    return `| ${simulate ? "rules and simulation" : "rules only"} | ${server.events.find((event) => event.event === "server.started")!.workers} | ${accepted.length} | ` +
      `${refused.length}${statuses ? ` (${statuses})` : ""} | ${accepted.length - correct.length} | ${ms(percentile(postMs, 0.5))} | ` +
      `${ms(percentile(postMs, 0.95))} | ${percentile(serverMs, 0.95).toFixed(1)} | ${ms(percentile(toCallback, 0.5))} | ${ms(percentile(toCallback, 0.95))} | ${peakRssMb.toFixed(0)} |`;
  } finally {
    server.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The default stack's plan, made by real Terraform against the local endpoint. */
async function defaultStackPlan(): Promise<object> {
  const endpoint = await LocalAwsEndpoint.start();
  try {
    const workdir = await initialisedWorkdir("bench-run-task");
    try {
      return await workdir.plan(testEnv(endpoint.env()));
    } finally {
      workdir.remove();
    }
  } finally {
    await endpoint.stop();
  }
}

/** Both benchmarks, both modes; returns two Markdown tables. */
export async function benchRunTask(runs: number): Promise<string> {
  const fake = await FakeTerraformCloud.start();
  // What else the machine is doing: on shared cores, the times below are only as steady as this.
  const loadBefore = os.loadavg()[0].toFixed(1);
  try {
    fake.addPlan("plan-default", await defaultStackPlan());
    fake.addPlan("plan-flagged", handBuiltPlan([role("aws_iam_role.open", { name: "open", trust: ANYONE })]));
    const latencyRows = [];
    const loadRows = [];
    for (const [simulate, review] of [[true, "rules and simulation"], [false, "rules only (--no-simulation)"]] as const) {
      const [first, middle] = await latency(fake, simulate, runs);
      latencyRows.push(`| ${review} | ${first.toFixed(0)} | ${middle.toFixed(0)} |`);
      loadRows.push(await load(fake, simulate));
    }
    const load1 = os.loadavg()[0].toFixed(1);
    return [
      `run task, request to callback, default stack's plan (median of ${runs} runs after the first)`,
      "| review | first run (ms) | median (ms) |",
      "| --- | ---: | ---: |",
      ...latencyRows,
      "",
      `run task under load: ${REQUESTS} signed requests, ${IN_FLIGHT} in flight, half the default stack's plan (passes), ` +
        `half a plan the review fails; the server in its own process on ${os.availableParallelism()} cores ` +
        `(load average ${loadBefore} before, ${load1} after)`,
      "| review | threads | accepted | refused | lost | POST p50 (ms) | POST p95 (ms) | server's own p95 (ms) | " +
        "to callback p50 (ms) | to callback p95 (ms) | peak RSS (MB) |",
      "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
      ...loadRows,
    ].join("\n");
  } finally {
    await fake.stop();
  }
}
