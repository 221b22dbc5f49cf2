/**
 * `npm run bench -- run-task` (and part of `npm run bench`): time from a run task request to its callback through a fake
 * Terraform Cloud, for the default stack's plan (real Terraform, local endpoint): the first run, then the median of
 * BENCH_RUNS more, per mode.
 */
import { LocalAwsEndpoint } from "../__tests__/support/aws-endpoint";
import { FakeTerraformCloud } from "../__tests__/support/fake-terraform-cloud";
import { initialisedWorkdir } from "../__tests__/support/lifecycle";
import { testEnv } from "../__tests__/support/terraform";
import { RunTaskServer } from "../run-task/server";
import { median } from "./bench-measure";

/** Measures both modes on one plan, each on its own server: a first run, then `runs` timed runs; returns a Markdown table. */
export async function benchRunTask(runs: number): Promise<string> {
  const endpoint = await LocalAwsEndpoint.start();
  const workdir = await initialisedWorkdir("bench-run-task");
  const fake = await FakeTerraformCloud.start();
  const servers: RunTaskServer[] = [];
  try {
    fake.addPlan("plan-default", await workdir.plan(testEnv(endpoint.env())));
    const rows = [];
    for (const [simulate, review] of [[true, "rules and simulation"], [false, "rules only (--no-simulation)"]] as const) {
      const server = await RunTaskServer.start({ host: "127.0.0.1", port: 0, hmacKey: "bench-hmac-key", tfcUrl: fake.apiUrl,
        redirectOrigins: [fake.archivistUrl], failOn: "error", simulate, concurrency: 1, queue: 1, log: () => undefined });
      servers.push(server);
      const samples: number[] = [];
      for (let run = 0; run <= runs; run++) {
        const started = process.hrtime.bigint();
        const before = fake.results.length;
        const response = await fake.send(server.url, fake.payload("plan-default"), { key: "bench-hmac-key" });
        if (response.status !== 200) throw new Error(`the run task server answered ${response.status}: ${response.text}`);
        await fake.waitForResults(before + 1);
        samples.push(Number(process.hrtime.bigint() - started) / 1e6);
      }
      rows.push(`| ${review} | ${samples[0].toFixed(0)} | ${median(samples.slice(1)).toFixed(0)} |`);
    }
    return [
      `run task, request to callback, default stack's plan (median of ${runs} runs after the first)`,
      "| review | first run (ms) | median (ms) |",
      "| --- | ---: | ---: |",
      ...rows,
    ].join("\n");
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    await fake.stop();
    await endpoint.stop();
    workdir.remove();
  }
}
