/**
 * Synth of 1, 10 and 100 deployments (a deployments file, one stack each),
 * with the app precompiled and run by node as `cdktf synth` runs it: medians
 * of wall time and peak RSS, what each deployment adds, and whether that
 * growth is linear. Part of `npm run bench`; alone: `npm run bench-deployments`.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { compile, measure, medians, Sample } from "./bench-measure";
import { command, noArguments, runFromCommandLine } from "../tooling/command-line";

const COUNTS = [1, 10, 100] as const;
const REGIONS = ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"];

/** A deployments file of `count` entries, each in its own account, spread over five Regions. */
export function deploymentsFile(count: number): string {
  return JSON.stringify({
    deployments: Array.from({ length: count }, (_, i) => ({
      name: `tenant-${String(i).padStart(3, "0")}`,
      region: REGIONS[i % REGIONS.length],
      assumeRoleArn: `arn:aws:iam::${String(100000000000 + i)}:role/terraform-deployer`,
      options: { sesIdentities: [`tenant-${i}.example.com`], tags: { tenant: String(i) } },
    })),
  });
}

export interface DeploymentsRow extends Sample {
  readonly deployments: number;
}

/** Measures each count `runs` times (after one warm-up) and returns the medians. */
export function benchDeployments(runs: number, options: { compiled?: boolean } = {}): DeploymentsRow[] {
  if (!options.compiled) compile();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pinpoint-ses-bench-deployments-"));
  try {
    return COUNTS.map((count) => {
      const file = path.join(dir, `deployments-${count}.json`);
      fs.writeFileSync(file, deploymentsFile(count));
      const env = { PINPOINT_SES_DEPLOYMENTS_FILE: file };
      measure("build/main.js", env);
      const samples = Array.from({ length: runs }, () => measure("build/main.js", env));
      return { deployments: count, ...medians(samples) };
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What each deployment adds between 1 and 10 and between 10 and 100, and the
 * ratio of the two: about 1 when growth is linear, far above 1 when a
 * deployment costs more the more there are.
 */
export function growth(rows: readonly DeploymentsRow[]) {
  const [one, ten, hundred] = rows;
  const per = (a: DeploymentsRow, b: DeploymentsRow, key: keyof Sample) => (b[key] - a[key]) / (b.deployments - a.deployments);
  const wall = [per(one, ten, "wallMs"), per(ten, hundred, "wallMs")];
  const rss = [per(one, ten, "peakRssMb"), per(ten, hundred, "peakRssMb")];
  return { wallMsPerDeployment: wall, rssMbPerDeployment: rss, wallRatio: wall[1] / wall[0] };
}

/** The Markdown table `npm run bench` prints. */
export function report(rows: readonly DeploymentsRow[], runs: number): string {
  const g = growth(rows);
  return [
    `synth of a deployments file, median of ${runs} runs (one stack, provider and state per deployment)`,
    "| deployments | wall time (ms) | peak RSS (MB) |",
    "| ---: | ---: | ---: |",
    ...rows.map((row) => `| ${row.deployments} | ${row.wallMs.toFixed(0)} | ${row.peakRssMb.toFixed(1)} |`),
    `each deployment adds ${g.wallMsPerDeployment[0].toFixed(1)} ms (1 to 10) and ${g.wallMsPerDeployment[1].toFixed(1)} ms ` +
      `(10 to 100), ${g.rssMbPerDeployment[0].toFixed(2)} and ${g.rssMbPerDeployment[1].toFixed(2)} MB of peak RSS; ` +
      `cost per deployment from 10 to 100 is ${g.wallRatio.toFixed(2)} times that from 1 to 10 ` +
      `(${g.wallRatio <= 1.5 ? "linear" : "worse than linear"})`,
  ].join("\n");
}

if (require.main === module) {
  runFromCommandLine(command("bench-deployments", async (argv) => {
    noArguments(argv, "usage: bench-deployments  (BENCH_RUNS=N runs each measurement N times, default 5)");
    const runs = Number(process.env.BENCH_RUNS ?? 5);
    console.log(report(benchDeployments(runs), runs));
    return 0;
  }));
}
