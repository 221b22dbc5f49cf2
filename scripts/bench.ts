/**
 * `npm run bench`: synth of this app against a bare cdktf app with one
 * resource, run the way cdktf.json runs the app, and both precompiled with
 * tsc. Reports medians of wall time, CPU time and peak RSS, and the ratios.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { benchDeployments, report as deploymentsReport } from "./bench-deployments";
import { benchReview } from "./bench-review";
import { benchRunTask, report as runTaskReport } from "./bench-run-task";
import { compile, measure, medians, Sample } from "./bench-measure";
import { command, noArguments, runFromCommandLine } from "../tooling/command-line";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);

/** The node arguments of cdktf.json's app command (`node --require … main.ts`), without the script. */
function appCommandArgs(): string[] {
  const [command, ...args] = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "cdktf.json"), "utf8")).app.split(" ");
  if (command !== "node" || args.at(-1) !== "main.ts") throw new Error(`cdktf.json's app is not "node … main.ts"`);
  return args.slice(0, -1);
}

/** Medians of `bare` and `module`, measured alternately after one warm-up each (file caches, transpile cache). */
function compare(scripts: { bare: string; module: string }, nodeArgs: readonly string[] = []) {
  Object.values(scripts).forEach((script) => measure(script, {}, nodeArgs));
  const samples = { bare: [] as Sample[], module: [] as Sample[] };
  for (let i = 0; i < RUNS; i++) {
    samples.bare.push(measure(scripts.bare, {}, nodeArgs));
    samples.module.push(measure(scripts.module, {}, nodeArgs));
  }
  return { bare: medians(samples.bare), module: medians(samples.module) };
}

function table(title: string, result: { bare: Sample; module: Sample }): string {
  const { bare, module } = result;
  const row = (name: string, s: Sample) => `| ${name} | ${s.wallMs.toFixed(0)} | ${s.cpuMs.toFixed(0)} | ${s.peakRssMb.toFixed(1)} |`;
  return [
    title,
    "| app | wall time (ms) | CPU time (ms) | peak RSS (MB) |",
    "| --- | ---: | ---: | ---: |",
    row("bare cdktf app, one aws_iam_role", bare),
    row("this app (PinpointSesSendingRole)", module),
    `| ratio | ${(module.wallMs / bare.wallMs).toFixed(2)} | ${(module.cpuMs / bare.cpuMs).toFixed(2)} | ` +
      `${(module.peakRssMb / bare.peakRssMb).toFixed(2)} |`,
  ].join("\n");
}

async function main(): Promise<void> {
  const args = appCommandArgs();
  console.log(`synth, median of ${RUNS} runs on ${os.cpus().length} cores (node ${process.version})`);
  console.log("");
  console.log(table(`as cdktf.json runs the app (node ${args.join(" ")} FILE.ts), transpile cache warm`,
    compare({ bare: "scripts/bench-bare-app.ts", module: "main.ts" }, args)));
  console.log("");
  compile();
  console.log(table("precompiled with tsc, run with node", compare({ bare: "build/scripts/bench-bare-app.js", module: "build/main.js" })));
  console.log("");
  console.log(deploymentsReport(benchDeployments(RUNS, { compiled: true }), RUNS));
  console.log(`\n${benchReview()}`);
  console.log(`\n${runTaskReport(await benchRunTask(RUNS))}`);
}

if (require.main === module) {
  runFromCommandLine(command("bench", async (argv) => {
    noArguments(argv, "usage: bench  (BENCH_RUNS=N runs each measurement N times, default 7)");
    await main();
    return 0;
  }));
}
