/**
 * `npm run bench-review` (and part of `npm run bench`): the review of plans of
 * 10, 100 and 1,000 distinct Pinpoint sending roles, each in its own account
 * with its own identities and apps. The plans are built here in the shape
 * `terraform show -json` gives for the construct (role, inline policy, data
 * sources referenced through the configuration), so no terraform is needed,
 * and go through the command's own path: parse, review with simulation, render.
 * Each size runs in a fresh node process of compiled JavaScript, which reports
 * its wall time and peak RSS.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { pinpointTrustPolicy, sesSendingPolicy } from "../modules/policy-documents";
import { renderMarkdown } from "../review/markdown";
import { parsePlan } from "../review/plan";
import { reviewPlan } from "../review/review";
import { command, noArguments, runFromCommandLine } from "../tooling/command-line";

const SIZES = [10, 100, 1000];
const projectDir = path.resolve(__dirname, "..");

const json = (value: unknown) => JSON.stringify(value);
const pad = (index: number, width: number) => String(index).padStart(width, "0");

/** One construct instance, numbered `index`: what terraform plans for it. */
function constructRole(index: number) {
  const account = `1${pad(index, 11)}`;
  const region = ["us-east-1", "eu-west-1", "ap-southeast-2"][index % 3];
  const id = `sender_${index}`;
  const app = `${pad(index, 8)}${"a".repeat(24)}`;
  const data = (type: string) => `data.${type}.${id}`;
  // The construct's own builders, so the plan holds exactly what the construct plans.
  const scope = { partition: "aws", region, account };
  const trust = pinpointTrustPolicy(scope, [app]);
  const policy = sesSendingPolicy(scope, [`team-${index}.example.com`], [`set-${index}`]);
  const roleName = `pinpoint-sender-${index}`;
  const references = (attribute: string) => ({ references: [`${data("aws_caller_identity")}.${attribute}`, data("aws_caller_identity"),
    `${data("aws_partition")}.partition`, data("aws_partition")] });
  return {
    changes: [
      {
        address: `aws_iam_role.${id}`, mode: "managed", type: "aws_iam_role", name: id,
        change: {
          actions: ["create"], before: null,
          after: { name: roleName, path: "/", assume_role_policy: json(trust), permissions_boundary: null, inline_policy: [] },
          after_unknown: { arn: true, id: true, unique_id: true, inline_policy: true, managed_policy_arns: true },
        },
      },
      {
        address: `aws_iam_role_policy.${id}`, mode: "managed", type: "aws_iam_role_policy", name: id,
        change: {
          actions: ["create"], before: null,
          after: { name: "PinpointUsesSESForEmailSends", role: roleName, policy: json(policy) },
          after_unknown: { id: true },
        },
      },
    ],
    config: [
      { address: `aws_iam_role.${id}`, provider_config_key: "aws", expressions: { assume_role_policy: references("account_id") } },
      {
        address: `aws_iam_role_policy.${id}`, provider_config_key: "aws",
        expressions: { role: { references: [`aws_iam_role.${id}.name`, `aws_iam_role.${id}`] }, policy: references("account_id") },
      },
    ],
    data: [
      { address: data("aws_caller_identity"), mode: "data", type: "aws_caller_identity", name: id, values: { account_id: account } },
      { address: data("aws_partition"), mode: "data", type: "aws_partition", name: id, values: { partition: "aws" } },
    ],
  };
}

/** A plan of `roles` distinct construct instances, as `terraform show -json` writes it. */
export function syntheticPlan(roles: number) {
  const instances = Array.from({ length: roles }, (_, index) => constructRole(index));
  return {
    format_version: "1.2",
    terraform_version: "1.11.4",
    resource_changes: instances.flatMap((instance) => instance.changes),
    prior_state: { format_version: "1.0", values: { root_module: { resources: instances.flatMap((instance) => instance.data) } } },
    configuration: {
      provider_config: { aws: { name: "aws", expressions: { region: { constant_value: "us-east-1" } } } },
      root_module: { resources: instances.flatMap((instance) => instance.config) },
    },
  };
}

/** In the child: review a plan of `roles` roles as the command does; print time, peak RSS and what was found. */
async function child(roles: number): Promise<void> {
  const text = JSON.stringify(syntheticPlan(roles));
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const review = await reviewPlan(parsePlan(text, "plan.json"));
  const markdown = renderMarkdown(review);
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const { user, system } = process.cpuUsage(cpu);
  const simulated = review.roles.filter((result) => result.simulation?.ran).length;
  process.stdout.write(JSON.stringify({
    roles, wallMs, cpuMs: (user + system) / 1000, peakRssMb: process.resourceUsage().maxRSS / 1024, findings: review.findings.length, simulated, markdownKb: markdown.length / 1024,
  }));
}

/**
 * Compiles this script and what it imports to plain JavaScript, so that no
 * TypeScript compiler sits in the measured process (types are checked by `npm test`).
 */
function compile(outDir: string): string {
  const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "--outDir", outDir, "--rootDir", projectDir,
    "--noCheck", "--module", "commonjs", "--target", "ES2022", "--esModuleInterop", "--skipLibCheck", "--resolveJsonModule",
    path.join(projectDir, "scripts", "bench-review.ts")], { cwd: projectDir, encoding: "utf8" });
  if (tsc.status !== 0) throw new Error(`tsc failed:\n${tsc.stdout}${tsc.stderr}`);
  return path.join(outDir, "scripts", "bench-review.js");
}

interface Row {
  readonly roles: number;
  readonly wallMs: number;
  /** Processor time (user and system): what a shared, busy machine inflates least. */
  readonly cpuMs: number;
  readonly peakRssMb: number;
  readonly findings: number;
  readonly simulated: number;
}

/** Reviews each size in its own process; returns a Markdown table. */
export function benchReview(sizes: readonly number[] = SIZES): string {
  // Inside the project, so that the compiled files find node_modules.
  fs.mkdirSync(path.join(projectDir, "build"), { recursive: true });
  const outDir = fs.mkdtempSync(path.join(projectDir, "build", "bench-review-"));
  try {
    const script = compile(outDir);
    const rows: Row[] = sizes.map((roles) => {
      const run = spawnSync(process.execPath, [script, "--child", String(roles)], { cwd: projectDir, encoding: "utf8", timeout: 10 * 60_000 });
      if (run.status !== 0) throw new Error(`review of ${roles} roles failed: ${run.stderr}`);
      return JSON.parse(run.stdout) as Row;
    });
    return [
      `review of plans of distinct Pinpoint sending roles, with simulation, one fresh process each (node ${process.version}, ${os.cpus().length} cores)`,
      "| roles | wall time (ms) | CPU time (ms) | CPU ms per role | peak RSS (MB) | roles simulated | findings |",
      "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
      ...rows.map((row) => `| ${row.roles} | ${row.wallMs.toFixed(0)} | ${row.cpuMs.toFixed(0)} | ${(row.cpuMs / row.roles).toFixed(2)} | ` +
        `${row.peakRssMb.toFixed(1)} | ${row.simulated} | ${row.findings} |`),
    ].join("\n");
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const index = process.argv.indexOf("--child");
  if (index >= 0) {
    // The compiled copy that benchReview runs once per size: not a command for users.
    child(Number(process.argv[index + 1])).catch((error) => {
      process.stderr.write(`${error.stack ?? error}\n`);
      process.exit(1);
    });
  } else {
    runFromCommandLine(command("bench-review", async (argv) => {
      noArguments(argv, "usage: bench-review  (reviews plans of 10, 100 and 1,000 roles: time and peak memory)");
      console.log(benchReview());
      return 0;
    }));
  }
}
