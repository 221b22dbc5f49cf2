/**
 * `npm run bench`: synth of this app against a bare cdktf app with one
 * resource, both precompiled with tsc and run with node as `cdktf synth`
 * would run them. Reports medians of wall time and peak RSS, and the ratio.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { benchDeployments, report as deploymentsReport } from "./bench-deployments";

const projectDir = path.resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 7);

export interface Sample {
  readonly wallMs: number;
  readonly peakRssMb: number;
}

/** Runs `node script` once; the child reports its own peak RSS on exit. */
export function measure(script: string, env: NodeJS.ProcessEnv = {}): Sample {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "pinpoint-ses-bench-"));
  const report = path.join(outdir, "rss");
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ["--require", path.join(__dirname, "bench-report-rss.js"), script], {
    cwd: projectDir,
    env: { ...process.env, ...env, CDKTF_OUTDIR: outdir, BENCH_RSS_FILE: report },
    encoding: "utf8",
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.status !== 0) throw new Error(`${script} failed: ${child.stderr}`);
  const peakRssMb = Number(fs.readFileSync(report, "utf8")) / 1024;
  fs.rmSync(outdir, { recursive: true, force: true });
  return { wallMs, peakRssMb };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function medians(samples: Sample[]): Sample {
  return { wallMs: median(samples.map((s) => s.wallMs)), peakRssMb: median(samples.map((s) => s.peakRssMb)) };
}

/** Compiles the app, the construct and the baseline into build/. */
export function compile(): void {
  const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.bench.json"],
    { cwd: projectDir, encoding: "utf8" });
  if (tsc.status !== 0) throw new Error(`tsc failed:\n${tsc.stdout}${tsc.stderr}`);
}

function main(): void {
  compile();
  const scripts = { bare: "build/scripts/bench-bare-app.js", module: "build/main.js" };
  // One warm-up each, so file-system caches do not favour whichever runs second.
  Object.values(scripts).forEach((script) => measure(script));
  const samples = { bare: [] as Sample[], module: [] as Sample[] };
  for (let i = 0; i < RUNS; i++) {
    samples.bare.push(measure(scripts.bare));
    samples.module.push(measure(scripts.module));
  }
  const bare = medians(samples.bare);
  const module = medians(samples.module);
  console.log(`synth, median of ${RUNS} runs on ${os.cpus().length} cores (node ${process.version})`);
  console.log("| app | wall time (ms) | peak RSS (MB) |");
  console.log("| --- | ---: | ---: |");
  console.log(`| bare cdktf app, one aws_iam_role | ${bare.wallMs.toFixed(0)} | ${bare.peakRssMb.toFixed(1)} |`);
  console.log(`| this app (PinpointSesSendingRole) | ${module.wallMs.toFixed(0)} | ${module.peakRssMb.toFixed(1)} |`);
  console.log(`| ratio | ${(module.wallMs / bare.wallMs).toFixed(2)} | ${(module.peakRssMb / bare.peakRssMb).toFixed(2)} |`);
  console.log("");
  console.log(deploymentsReport(benchDeployments(RUNS, { compiled: true }), RUNS));
}

if (require.main === module) main();
