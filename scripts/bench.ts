/**
 * `npm run bench`: synth of this app against a bare one-resource cdktf app, both run as cdktf.json runs the app
 * and both precompiled with tsc (medians of wall time, CPU time and peak RSS, and the ratios); then the other benchmarks.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { benchDeployments } from "./bench-deployments";
import { benchReview } from "./bench-review";
import { benchRunTask } from "./bench-run-task";
import { compile, medians, Sample } from "./bench-measure";
import { runWithoutArguments } from "../tooling/command-line";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);

/** Medians of the bare app and this app, run in turn, and their ratios: a Markdown table, then a blank line. */
function compare(title: string, bareScript: string, appScript: string, nodeArgs: readonly string[] = []): string {
  const [bare, app] = medians(RUNS, [{ script: bareScript, nodeArgs }, { script: appScript, nodeArgs }]);
  const row = (name: string, s: Sample) => `| ${name} | ${s.wallMs.toFixed(0)} | ${s.cpuMs.toFixed(0)} | ${s.peakRssMb.toFixed(1)} |`;
  return [
    title,
    "| app | wall time (ms) | CPU time (ms) | peak RSS (MB) |",
    "| --- | ---: | ---: | ---: |",
    row("bare cdktf app, one aws_iam_role", bare),
    row("this app (PinpointSesSendingRole)", app),
    `| ratio | ${(app.wallMs / bare.wallMs).toFixed(2)} | ${(app.cpuMs / bare.cpuMs).toFixed(2)} | ` +
      `${(app.peakRssMb / bare.peakRssMb).toFixed(2)} |`,
    "",
  ].join("\n");
}

runWithoutArguments("bench", "usage: bench  (BENCH_RUNS=N runs each measurement N times, default 7)", async () => {
  // cdktf.json's app command is `node NODE_ARGS main.ts`.
  const [node, ...nodeArgs] = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "cdktf.json"), "utf8")).app.split(" ");
  if (node !== "node" || nodeArgs.pop() !== "main.ts") throw new Error(`cdktf.json's app is not "node … main.ts"`);
  console.log(`synth, median of ${RUNS} runs on ${os.cpus().length} cores (node ${process.version})\n`);
  console.log(compare(`as cdktf.json runs the app (node ${nodeArgs.join(" ")} FILE.ts), transpile cache warm`,
    "scripts/bench-bare-app.ts", "main.ts", nodeArgs));
  compile();
  console.log(compare("precompiled with tsc, run with node", "build/scripts/bench-bare-app.js", "build/main.js"));
  console.log(benchDeployments(RUNS));
  console.log(`\n${benchReview()}`);
  console.log(`\n${await benchRunTask(RUNS)}`);
});
