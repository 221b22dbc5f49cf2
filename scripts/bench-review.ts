/**
 * `npm run bench -- review` (and part of `npm run bench`): reviews (parse, simulate, render) plans of 10, 100, 1,000 and 10,000
 * distinct Pinpoint sending roles, as `terraform show -json` gives them for the construct, each size in a fresh node
 * process of JavaScript compiled into build/ (no TypeScript compiler measured) that reports its wall time, processor
 * time (what a busy machine inflates least) and peak RSS.
 */
import { spawnSync } from "child_process";
import * as os from "os";
import * as path from "path";
import { pinpointTrustPolicy, sesSendingPolicy } from "../modules/policy-documents";
import { renderMarkdown } from "../review/markdown";
import { parsePlan } from "../review/plan";
import { reviewPlan } from "../review/review";

const projectDir = path.resolve(__dirname, "..");

/** One construct instance, numbered `index`: what terraform plans for it, documents from the construct's own builders. */
function constructRole(index: number) {
  const account = `1${String(index).padStart(11, "0")}`;
  const region = ["us-east-1", "eu-west-1", "ap-southeast-2"][index % 3];
  const id = `sender_${index}`;
  const scope = { partition: "aws", region, account };
  const trust = JSON.stringify(pinpointTrustPolicy(scope, [`${String(index).padStart(8, "0")}${"a".repeat(24)}`]));
  const policy = JSON.stringify(sesSendingPolicy(scope, [`team-${index}.example.com`], [`set-${index}`]));
  const roleName = `pinpoint-sender-${index}`;
  const created = (type: string, after: object, afterUnknown: object, expressions: object) => ({
    change: { address: `${type}.${id}`, mode: "managed", type, name: id,
      change: { actions: ["create"], before: null, after, after_unknown: afterUnknown } },
    config: { address: `${type}.${id}`, provider_config_key: "aws", expressions },
  });
  const data = (type: string, values: object) => ({ address: `data.${type}.${id}`, mode: "data", type, name: id, values });
  const accountReferences = { references: [`data.aws_caller_identity.${id}.account_id`, `data.aws_caller_identity.${id}`,
    `data.aws_partition.${id}.partition`, `data.aws_partition.${id}`] };
  return {
    resources: [
      created("aws_iam_role", { name: roleName, path: "/", assume_role_policy: trust, permissions_boundary: null, inline_policy: [] },
        { arn: true, id: true, unique_id: true, inline_policy: true, managed_policy_arns: true }, { assume_role_policy: accountReferences }),
      created("aws_iam_role_policy", { name: "PinpointUsesSESForEmailSends", role: roleName, policy }, { id: true },
        { role: { references: [`aws_iam_role.${id}.name`, `aws_iam_role.${id}`] }, policy: accountReferences }),
    ],
    data: [data("aws_caller_identity", { account_id: account }), data("aws_partition", { partition: "aws" })],
  };
}

/** A plan of `roles` distinct construct instances, as `terraform show -json` writes it. */
export function syntheticPlan(roles: number) {
  const instances = Array.from({ length: roles }, (_, index) => constructRole(index));
  return {
    format_version: "1.2", terraform_version: "1.11.4",
    resource_changes: instances.flatMap((instance) => instance.resources.map((resource) => resource.change)),
    prior_state: { format_version: "1.0", values: { root_module: { resources: instances.flatMap((instance) => instance.data) } } },
    configuration: {
      provider_config: { aws: { name: "aws", expressions: { region: { constant_value: "us-east-1" } } } },
      root_module: { resources: instances.flatMap((instance) => instance.resources.map((resource) => resource.config)) },
    },
  };
}

/** In the child: review a plan of `roles` roles as the command does; print its row of the table. */
async function child(roles: number): Promise<void> {
  const text = JSON.stringify(syntheticPlan(roles));
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const review = await reviewPlan(parsePlan(text, "plan.json"));
  renderMarkdown(review);
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const { user, system } = process.cpuUsage(cpu);
  const cpuMs = (user + system) / 1000;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  process.stdout.write(`| ${roles} | ${wallMs.toFixed(0)} | ${cpuMs.toFixed(0)} | ${(cpuMs / roles).toFixed(2)} | ${peakRssMb.toFixed(1)} | ` +
    `${review.roles.filter((result) => result.simulation?.ran).length} | ${review.findings.length} |`);
}

/** Reviews each size in its own process of the copy compile() puts in build/; returns a Markdown table. */
export function benchReview(sizes: readonly number[] = [10, 100, 1000, 10000]): string {
  const compiled = path.join(projectDir, "build", "scripts", "bench-review.js");
  return [
    `review of plans of distinct Pinpoint sending roles, with simulation, one fresh process each (node ${process.version}, ${os.cpus().length} cores)`,
    "| roles | wall time (ms) | CPU time (ms) | CPU ms per role | peak RSS (MB) | roles simulated | findings |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...sizes.map((roles) => {
      const run = spawnSync(process.execPath, [compiled, String(roles)],
        { cwd: projectDir, encoding: "utf8", timeout: 10 * 60_000 });
      if (run.status !== 0) throw new Error(`review of ${roles} roles failed: ${run.stderr}`);
      return run.stdout;
    }),
  ].join("\n");
}

// The compiled copy that benchReview runs once per size, not a command for users; it fails with its stack trace.
if (require.main === module) void child(Number(process.argv[2]));
