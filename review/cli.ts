/**
 * `npm run -s review -- PLAN.json [options]`: reviews the IAM roles of a
 * Terraform plan (the output of `terraform show -json tfplan`; `-` reads
 * standard input) and prints Markdown, or SARIF with `--format=sarif`.
 *
 * Exit codes: 0 reviewed; 1 the gate failed (a finding reached --fail-on, or with
 * --fail-on-new a finding the plan brings did, or a waiver expired); 2 bad input
 * or usage (one line on standard error, never a stack trace).
 */
import * as fs from "fs";
import { command, InputError, parseArguments, runFromCommandLine } from "../tooling/command-line";
import { plural, renderMarkdown } from "./markdown";
import { parsePlan } from "./plan";
import { parseJson } from "./policy";
import { reviewPlan } from "./review";
import { renderSarif } from "./sarif";
import { parseWaivers } from "./waivers";

const USAGE = "usage: review PLAN.json|- [--fail-on=warning|error] [--fail-on-new] [--waivers=FILE] [--format=markdown|sarif] " +
  "[--out=FILE] [--partition=P] [--region=R] [--account=ID] [--policy=ARN=FILE ...] [--no-simulation]";

function readFile(file: string, what: string): string {
  try {
    return file === "-" ? fs.readFileSync(0, "utf8") : fs.readFileSync(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
    throw new InputError(`cannot read ${what} ${file}: ${reason}`);
  }
}

/** The command: returns the exit code; output goes through `write`, errors through `fail`, bad input throws an InputError. */
export const main = command("review", async (argv, write, fail) => {
  const args = parseArguments(argv, {
    withValue: ["fail-on", "out", "partition", "region", "account", "policy", "waivers", "format"], switches: ["no-simulation", "fail-on-new"],
  }, USAGE);
  if (args.positional.length !== 1) throw new InputError(`expected one plan file, got ${args.positional.length}; ${USAGE}`);
  const failOn = args.value("fail-on");
  if (failOn !== undefined && failOn !== "warning" && failOn !== "error") {
    throw new InputError(`--fail-on is ${JSON.stringify(failOn)}; expected warning or error`);
  }
  const format = args.value("format") ?? "markdown";
  if (format !== "markdown" && format !== "sarif") throw new InputError(`--format is ${JSON.stringify(format)}; expected markdown or sarif`);
  const account = args.value("account");
  if (account !== undefined && !/^\d{12}$/.test(account)) throw new InputError(`--account ${account} is not a 12-digit account id`);
  const policies = new Map<string, unknown>();
  for (const pair of args.values("policy")) {
    const [arn, file] = pair.split(/=(.*)/s, 2);
    if (!arn.startsWith("arn:") || !file) throw new InputError(`--policy ${pair} is not ARN=FILE`);
    policies.set(arn, parseJson(readFile(file, "policy"), (problem) => new InputError(`policy file ${file} is ${problem}`)));
  }
  const waiversFile = args.value("waivers");
  const waivers = waiversFile === undefined ? [] : parseWaivers(readFile(waiversFile, "waivers file"), waiversFile);
  const [plan] = args.positional;
  const review = await reviewPlan(parsePlan(readFile(plan, "plan"), plan === "-" ? "standard input" : plan), {
    facts: { partition: args.value("partition"), region: args.value("region"), account },
    policies,
    simulate: !args.has("no-simulation"),
    waivers,
    gate: { failOn, newOnly: args.has("fail-on-new") },
  });
  const report = format === "sarif" ? `${JSON.stringify(renderSarif(review, plan), null, 2)}\n` : renderMarkdown(review);
  const out = args.value("out");
  if (out) fs.writeFileSync(out, report);
  else write(report);
  if (review.gate.failed) {
    fail(`review: ${plural(review.gate.failing, "finding")} at ${review.gate.failOn} or above` +
      `${review.gate.newOnly ? " brought by this plan" : ""} (of ${plural(review.findings.length, "finding")}); failing\n`);
    return 1;
  }
  return 0;
});

if (require.main === module) runFromCommandLine(main);
