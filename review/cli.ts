/**
 * `npm run -s review -- PLAN.json [options]`: reviews the IAM roles of a
 * Terraform plan (the output of `terraform show -json tfplan`; `-` reads
 * standard input) and prints Markdown.
 *
 * Exit codes: 0 reviewed; 1 a finding reached --fail-on; 2 bad input or usage
 * (one line on standard error, never a stack trace).
 */
import * as fs from "fs";
import { command, InputError, parseArguments, runFromCommandLine } from "../tooling/command-line";
import { reachesThreshold } from "./findings";
import { renderMarkdown } from "./markdown";
import { parsePlan } from "./plan";
import { parseJson } from "./policy";
import { reviewPlan } from "./review";

const USAGE = "usage: review PLAN.json|- [--fail-on=warning|error] [--out=FILE] " +
  "[--partition=P] [--region=R] [--account=ID] [--policy=ARN=FILE ...] [--no-simulation]";

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
  const args = parseArguments(argv, { withValue: ["fail-on", "out", "partition", "region", "account", "policy"], switches: ["no-simulation"] }, USAGE);
  if (args.positional.length !== 1) throw new InputError(`expected one plan file, got ${args.positional.length}; ${USAGE}`);
  const failOn = args.value("fail-on");
  if (failOn !== undefined && failOn !== "warning" && failOn !== "error") {
    throw new InputError(`--fail-on is ${JSON.stringify(failOn)}; expected warning or error`);
  }
  const account = args.value("account");
  if (account !== undefined && !/^\d{12}$/.test(account)) throw new InputError(`--account ${account} is not a 12-digit account id`);
  const policies = new Map<string, unknown>();
  for (const pair of args.values("policy")) {
    const [arn, file] = pair.split(/=(.*)/s, 2);
    if (!arn.startsWith("arn:") || !file) throw new InputError(`--policy ${pair} is not ARN=FILE`);
    policies.set(arn, parseJson(readFile(file, "policy"), (problem) => new InputError(`policy file ${file} is ${problem}`)));
  }
  const [plan] = args.positional;
  const review = await reviewPlan(parsePlan(readFile(plan, "plan"), plan === "-" ? "standard input" : plan), {
    facts: { partition: args.value("partition"), region: args.value("region"), account },
    policies,
    simulate: !args.has("no-simulation"),
  });
  const markdown = renderMarkdown(review);
  const out = args.value("out");
  if (out) fs.writeFileSync(out, markdown);
  else write(markdown);
  if (failOn && reachesThreshold(review.findings, failOn)) {
    fail(`review: ${review.findings.length} finding(s); failing on ${failOn}\n`);
    return 1;
  }
  return 0;
});

if (require.main === module) runFromCommandLine(main);
