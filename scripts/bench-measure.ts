/** Measurement shared by the benchmarks: scripts run in fresh node processes, and medians. */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const projectDir = path.resolve(__dirname, "..");

export interface Sample {
  readonly wallMs: number;
  /** User and system CPU time of the process: steadier than wall time on a busy machine. */
  readonly cpuMs: number;
  readonly peakRssMb: number;
}

/** A script to measure, run as `node [nodeArgs] script` with `env` added. */
type Target = { readonly script: string; readonly env?: NodeJS.ProcessEnv; readonly nodeArgs?: readonly string[] };

/** Runs the target once; the child reports its own peak RSS and CPU time on exit. */
function measure({ script, env = {}, nodeArgs = [] }: Target): Sample {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "pinpoint-ses-bench-"));
  const report = path.join(outdir, "rss");
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, ["--require", path.join(__dirname, "bench-report-rss.js"), ...nodeArgs, script], {
    cwd: projectDir,
    env: { ...process.env, ...env, CDKTF_OUTDIR: outdir, BENCH_RSS_FILE: report },
    encoding: "utf8",
  });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.status !== 0) throw new Error(`${script} failed: ${child.stderr}`);
  const usage = JSON.parse(fs.readFileSync(report, "utf8"));
  fs.rmSync(outdir, { recursive: true, force: true });
  return { wallMs, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000, peakRssMb: usage.maxRSS / 1024 };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** The medians of `runs` runs of each target, run in turn after one warm-up each (file caches, transpile cache). */
export function medians(runs: number, targets: readonly Target[]): Sample[] {
  targets.forEach((target) => measure(target));
  const samples = targets.map((): Sample[] => []);
  for (let i = 0; i < runs; i++) targets.forEach((target, t) => samples[t].push(measure(target)));
  return samples.map((list) => {
    const middle = (key: keyof Sample) => median(list.map((sample) => sample[key]));
    return { wallMs: middle("wallMs"), cpuMs: middle("cpuMs"), peakRssMb: middle("peakRssMb") };
  });
}

/** Compiles the app, the construct, the baseline and the review benchmark into build/. */
export function compile(): void {
  // A fresh build/: a file that moved (review/rules.ts to review/rules/) would otherwise shadow its new place.
  fs.rmSync(path.join(projectDir, "build"), { recursive: true, force: true });
  const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.bench.json"],
    { cwd: projectDir, encoding: "utf8" });
  if (tsc.status !== 0) throw new Error(`tsc failed:\n${tsc.stdout}${tsc.stderr}`);
}
