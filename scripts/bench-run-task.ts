/**
 * Time from a run task request to its callback, for the plan of the app's
 * default stack (written by the real Terraform against the local endpoint),
 * through a fake Terraform Cloud on 127.0.0.1: the first run (which loads the
 * review) and the median of BENCH_RUNS more, with the simulation and rules
 * only. `npm run bench-run-task`.
 */
import { command, noArguments, runFromCommandLine } from "../tooling/command-line";
import { LocalAwsEndpoint } from "../__tests__/support/aws-endpoint";
import { FakeTerraformCloud } from "../__tests__/support/fake-terraform-cloud";
import { initialisedWorkdir } from "../__tests__/support/lifecycle";
import { testEnv } from "../__tests__/support/terraform";
import { RunTaskServer } from "../run-task/server";
import { median } from "./bench-measure";

const KEY = "bench-hmac-key";

export interface RunTaskTimes {
  readonly simulate: boolean;
  readonly firstMs: number;
  readonly medianMs: number;
  readonly runs: number;
}

/** Sends one signed request for `planId` and resolves with the milliseconds until its result arrived. */
async function timeOneRun(fake: FakeTerraformCloud, server: RunTaskServer, planId: string): Promise<number> {
  const started = process.hrtime.bigint();
  const before = fake.results.length;
  const response = await fake.send(server.url, fake.payload(planId), { key: KEY });
  if (response.status !== 200) throw new Error(`the run task server answered ${response.status}: ${response.text}`);
  await fake.waitForResults(before + 1);
  return Number(process.hrtime.bigint() - started) / 1e6;
}

/** Measures both modes on one plan: `runs` timed runs after a first one, each on a fresh server. */
export async function benchRunTask(runs: number): Promise<RunTaskTimes[]> {
  const endpoint = await LocalAwsEndpoint.start();
  const workdir = await initialisedWorkdir("bench-run-task");
  const fake = await FakeTerraformCloud.start();
  try {
    fake.addPlan("plan-default", await workdir.plan(testEnv(endpoint.env())));
    const times: RunTaskTimes[] = [];
    for (const simulate of [true, false]) {
      const server = await RunTaskServer.start({
        host: "127.0.0.1", port: 0, hmacKey: KEY, tfcUrl: fake.apiUrl, redirectOrigins: [fake.archivistUrl],
        failOn: "error", simulate, concurrency: 1, queue: 1, log: () => undefined,
      });
      try {
        const firstMs = await timeOneRun(fake, server, "plan-default");
        const samples: number[] = [];
        for (let run = 0; run < runs; run++) samples.push(await timeOneRun(fake, server, "plan-default"));
        times.push({ simulate, firstMs, medianMs: median(samples), runs });
      } finally {
        await server.stop();
      }
    }
    return times;
  } finally {
    await fake.stop();
    await endpoint.stop();
    workdir.remove();
  }
}

/** The Markdown table the benchmark prints. */
export function report(times: readonly RunTaskTimes[]): string {
  return [
    `run task, request to callback, default stack's plan (median of ${times[0]?.runs ?? 0} runs after the first)`,
    "| review | first run (ms) | median (ms) |",
    "| --- | ---: | ---: |",
    ...times.map((row) => `| ${row.simulate ? "rules and simulation" : "rules only (--no-simulation)"} | ` +
      `${row.firstMs.toFixed(0)} | ${row.medianMs.toFixed(0)} |`),
  ].join("\n");
}

if (require.main === module) {
  runFromCommandLine(command("bench-run-task", async (argv) => {
    noArguments(argv, "usage: bench-run-task  (request to callback for the default stack's plan; BENCH_RUNS=N, default 5)");
    const runs = Number(process.env.BENCH_RUNS ?? 5);
    console.log(report(await benchRunTask(runs)));
    return 0;
  }));
}
