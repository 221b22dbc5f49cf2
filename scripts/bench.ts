/**
 * `npm run bench [-- SECTION...]`: synth of this app against a bare one-resource cdktf app, both run as cdktf.json runs
 * the app and both precompiled with tsc (medians of wall time, CPU time and peak RSS, and the ratios); synth of a
 * deployments file of 1, 10 and 100 deployments; the review and the run task benchmarks. SECTIONs name the parts to run.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { benchReview } from "./bench-review";
import { benchRunTask } from "./bench-run-task";
import { compile, medians, Sample } from "./bench-measure";
import { command, InputError, parseArguments, runFromCommandLine } from "../tooling/command-line";
import { providerInstallProblem } from "../tooling/provider-probe";
import { MIRROR_ENV, terraformEnv } from "../tooling/terraform-cli-config";

const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const SECTIONS = ["synth", "deployments", "review", "run-task"];
const USAGE = `usage: bench [${SECTIONS.join("|")}]...  (all by default; BENCH_RUNS=N runs each measurement N times, default 7)`;
const COUNTS = [1, 10, 100];

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

/** Synth of a deployments file by the compiled app, as `cdktf synth` runs it: a table, then what each deployment adds. */
function benchDeployments(): string {
  const rows = medians(RUNS, COUNTS.map((count) => {
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
    `synth of a deployments file, median of ${RUNS} runs (one stack, provider and state per deployment)`,
    "| deployments | wall time (ms) | peak RSS (MB) |",
    "| ---: | ---: | ---: |",
    ...rows.map((row, i) => `| ${COUNTS[i]} | ${row.wallMs.toFixed(0)} | ${row.peakRssMb.toFixed(1)} |`),
    `each deployment adds ${per("wallMs", 0).toFixed(1)} ms (1 to 10) and ${per("wallMs", 1).toFixed(1)} ms ` +
      `(10 to 100), ${per("peakRssMb", 0).toFixed(2)} and ${per("peakRssMb", 1).toFixed(2)} MB of peak RSS; ` +
      `cost per deployment from 10 to 100 is ${ratio.toFixed(2)} times that from 1 to 10 ` +
      `(${ratio <= 1.5 ? "linear" : "worse than linear"})`,
  ].join("\n");
}

runFromCommandLine(command("bench", async (argv, write, fail) => {
  const sections = parseArguments(argv, { withValue: [] }, USAGE).positional;
  const unknown = sections.find((section) => !SECTIONS.includes(section));
  if (unknown !== undefined) throw new InputError(`unknown section ${unknown}; ${USAGE}`);
  const wanted = (name: string) => sections.length === 0 || sections.includes(name);
  // The run task's benchmark plans with real Terraform: before anything slow, can terraform install the provider here?
  const problem = wanted("run-task") ? providerInstallProblem(terraformEnv(path.join(__dirname, ".."))) : undefined;
  if (problem) {
    fail(`bench: ${problem}; name a provider mirror: ${MIRROR_ENV}=DIR npm run bench\n`);
    return 1;
  }
  // One temporary root for the run, as the tests have (TMPDIR, which os.tmpdir(), cdktf's Testing outdirs, the shared
  // terraform init and every child process honour), removed when the bench exits.
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "pinpoint-ses-bench-"));
  process.env.TMPDIR = root;
  process.once("exit", () => fs.rmSync(root, { recursive: true, force: true }));
  // The compiled app, baseline and review benchmark in build/.
  if (["synth", "deployments", "review"].some(wanted)) compile();
  if (wanted("synth")) {
    // cdktf.json's app command is `node NODE_ARGS main.ts`.
    const [node, ...nodeArgs] = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "cdktf.json"), "utf8")).app.split(" ");
    if (node !== "node" || nodeArgs.pop() !== "main.ts") throw new Error(`cdktf.json's app is not "node … main.ts"`);
    write(`synth, median of ${RUNS} runs on ${os.cpus().length} cores (node ${process.version})\n\n`);
    write(`${compare(`as cdktf.json runs the app (node ${nodeArgs.join(" ")} FILE.ts), transpile cache warm`,
      "scripts/bench-bare-app.ts", "main.ts", nodeArgs)}\n`);
    write(`${compare("precompiled with tsc, run with node", "build/scripts/bench-bare-app.js", "build/main.js")}\n`);
  }
  if (wanted("deployments")) write(`${benchDeployments()}\n\n`);
  if (wanted("review")) write(`${benchReview()}\n\n`);
  if (wanted("run-task")) write(`${await benchRunTask(RUNS)}\n`);
  return 0;
}));
