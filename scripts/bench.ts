/**
 * `npm run bench`: synth of this app against a bare cdktf app with one
 * resource, both precompiled with tsc and run with node as `cdktf synth`
 * would run them. Reports medians of wall time and peak RSS, and the ratio.
 */
import * as os from "os";
import { benchDeployments, report as deploymentsReport } from "./bench-deployments";
import { compile, measure, medians, Sample } from "./bench-measure";
import { command, noArguments, runFromCommandLine } from "../tooling/command-line";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);

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

if (require.main === module) {
  runFromCommandLine(command("bench", async (argv) => {
    noArguments(argv, "usage: bench  (BENCH_RUNS=N runs each measurement N times, default 7)");
    main();
    return 0;
  }));
}
