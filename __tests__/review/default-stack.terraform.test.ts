/**
 * `npm run review` on the plan of the app's default stack, run as a user runs
 * it. docs/reviewing-plans.md shows this output; a test checks it is what the command prints.
 */
import * as fs from "fs";
import * as path from "path";
import { EmulatedAccount } from "../support/emulator";
import { docExample } from "../support/doc-examples";
import { initialisedWorkdir } from "../support/lifecycle";
import { PROJECT_DIR, run, RunResult, TerraformWorkdir, testEnv } from "../support/terraform";

const ACCOUNT = "123456789012";

let aws: EmulatedAccount;
let workdir: TerraformWorkdir;
let review: RunResult;

beforeAll(async () => {
  aws = await EmulatedAccount.open(ACCOUNT);
  workdir = await initialisedWorkdir("review-default");
  const planFile = path.join(workdir.dir, "plan.json");
  fs.writeFileSync(planFile, JSON.stringify(await workdir.plan(testEnv(aws.env))));
  // Run as a user runs it; asynchronously, so that the endpoint in this process stays responsive.
  review = await run("npm", ["run", "-s", "review", "--", planFile, "--fail-on=warning"],
    { cwd: PROJECT_DIR, env: process.env, allowFailure: true, timeoutMs: 60_000 });
});

afterAll(async () => {
  workdir?.remove();
});

/** The body rows of the first Markdown table after `heading`, as cells. */
function tableAfter(markdown: string, heading: string): string[][] {
  const lines = markdown.slice(markdown.indexOf(heading) + heading.length).split("\n");
  const rows: string[][] = [];
  for (const line of lines.slice(lines.findIndex((candidate) => candidate.startsWith("|")) + 2)) {
    if (!line.startsWith("|")) break;
    rows.push(line.split(/(?<!\\)\|/).slice(1, -1).map((cell) => cell.trim()));
  }
  return rows;
}

describe("npm run review on the default stack's plan", () => {
  it("passes --fail-on=warning: exit 0, no findings, nothing on standard error", () => {
    expect({ status: review.status, stderr: review.stderr }).toEqual({ status: 0, stderr: "" });
    expect(review.stdout).toContain("1 IAM role, 0 findings; passes --fail-on=warning.");
  });

  it("lists the role as a Pinpoint sending role to be created", () => {
    const [row] = tableAfter(review.stdout, "# IAM review of a Terraform plan");
    expect(row.slice(1, 3)).toEqual(["create", "yes"]);
    expect(row[0]).toMatch(/^`aws_iam_role\./);
  });

  it("shows who can assume the role: Pinpoint, for the account STS reports", () => {
    expect(tableAfter(review.stdout, "### Who can assume it")).toEqual([
      ["Allow", "Service `pinpoint.amazonaws.com`", "`sts:AssumeRole`", `StringEquals \`aws:SourceAccount\` = \`${ACCOUNT}\``],
    ]);
  });

  it("shows what the role can do: send from the account's identities and configuration sets in us-east-1", () => {
    expect(tableAfter(review.stdout, "### What it can do")).toEqual([[
      "`PinpointUsesSESForEmailSends`", "Allow", "`ses:SendEmail`, `ses:SendRawEmail`",
      `\`arn:aws:ses:us-east-1:${ACCOUNT}:identity/*\`, \`arn:aws:ses:us-east-1:${ACCOUNT}:configuration-set/*\``, "none",
    ]]);
  });

  it("prints what docs/reviewing-plans.md shows, but for the Terraform version line", () => {
    const withoutVersion = (text: string) => text.replace(/^Plan from Terraform .*$/m, "");
    expect(withoutVersion(docExample("docs/reviewing-plans.md", "review"))).toBe(withoutVersion(review.stdout));
  });

  it("simulates every case with the verdict expected of it", () => {
    const rows = tableAfter(review.stdout, "### Simulation");
    expect(rows.length).toBeGreaterThan(10);
    expect(rows.filter(([, expected, simulated]) => expected !== simulated)).toEqual([]);
    expect(new Set(rows.map(([, expected]) => expected))).toEqual(new Set(["Allowed", "Denied"]));
  });
});
