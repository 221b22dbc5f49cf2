/**
 * `npm run bench-deployments`, and part of `npm run bench`: synth of a deployments file of 1, 10 and 100 deployments
 * by the app compiled into build/, run by node as `cdktf synth` runs it.
 */
import * as fs from "fs";
import * as path from "path";
import { compile, medians } from "./bench-measure";
import { runWithoutArguments } from "../tooling/command-line";

const COUNTS = [1, 10, 100];

/** Medians of `runs` runs on each count: a table of wall time and peak RSS, then what each deployment adds. */
export function benchDeployments(runs: number): string {
  const rows = medians(runs, COUNTS.map((count) => {
    // Next to the compiled app: each deployment in its own account, spread over five Regions.
    const file = path.join(__dirname, "..", "build", `deployments-${count}.json`);
    fs.writeFileSync(file, JSON.stringify({
      deployments: Array.from({ length: count }, (_, i) => ({
        name: `tenant-${String(i).padStart(3, "0")}`,
        region: ["us-east-1", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"][i % 5],
        assumeRoleArn: `arn:aws:iam::${String(100000000000 + i)}:role/terraform-deployer`,
        options: { sesIdentities: [`tenant-${i}.example.com`], tags: { tenant: String(i) } },
      })),
    }));
    return { script: "build/main.js", env: { PINPOINT_SES_DEPLOYMENTS_FILE: file } };
  }));
  // What each deployment adds from one count to the next: as much from 10 to 100 as from 1 to 10 when growth is linear.
  const per = (key: "wallMs" | "peakRssMb", i: number) => (rows[i + 1][key] - rows[i][key]) / (COUNTS[i + 1] - COUNTS[i]);
  const ratio = per("wallMs", 1) / per("wallMs", 0);
  return [
    `synth of a deployments file, median of ${runs} runs (one stack, provider and state per deployment)`,
    "| deployments | wall time (ms) | peak RSS (MB) |",
    "| ---: | ---: | ---: |",
    ...rows.map((row, i) => `| ${COUNTS[i]} | ${row.wallMs.toFixed(0)} | ${row.peakRssMb.toFixed(1)} |`),
    `each deployment adds ${per("wallMs", 0).toFixed(1)} ms (1 to 10) and ${per("wallMs", 1).toFixed(1)} ms ` +
      `(10 to 100), ${per("peakRssMb", 0).toFixed(2)} and ${per("peakRssMb", 1).toFixed(2)} MB of peak RSS; ` +
      `cost per deployment from 10 to 100 is ${ratio.toFixed(2)} times that from 1 to 10 ` +
      `(${ratio <= 1.5 ? "linear" : "worse than linear"})`,
  ].join("\n");
}

if (require.main === module) {
  const usage = "usage: bench-deployments  (BENCH_RUNS=N runs each measurement N times, default 5)";
  runWithoutArguments("bench-deployments", usage, () => {
    compile();
    console.log(benchDeployments(Number(process.env.BENCH_RUNS ?? 5)));
  });
}
