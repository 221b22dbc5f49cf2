/**
 * Only new risk blocks: roles applied by the real Terraform and AWS provider (on the scenario's IAM endpoint), then
 * changed. `--fail-on-new` judges the change plan's findings against the prior state: it fails for what the change
 * adds (a new role open to anyone, a policy widened) and not for what was there (an applied service wildcard), and a
 * waiver tag applied with a role waives its finding from then on.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../review/cli";
import { parsePlan } from "../../review/plan";
import { Review, reviewPlan } from "../../review/review";
import { initialisedWorkdir, Scenario } from "../support/lifecycle";
import { PlanJson, TerraformWorkdir } from "../support/terraform";

const ACCOUNT = "234567890123";
const document = (...statements: object[]) => JSON.stringify({ Version: "2012-10-17", Statement: statements });
// The EC2 trust policy as AWS documents it.
const EC2 = document({ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" });
const allowAll = (...services: string[]) => document({ Effect: "Allow", Action: services.map((service) => `${service}:*`), Resource: "*" });

interface RoleSpec {
  readonly trust: string;
  readonly policy?: string;
  readonly description?: string;
  readonly tags?: { readonly [key: string]: string };
}

/** Terraform JSON of `roles`, each with its inline policy. */
function configuration(roles: { readonly [label: string]: RoleSpec }): object {
  const entries = Object.entries(roles);
  return {
    terraform: { required_providers: { aws: { source: "aws", version: "5.100.0" } } },
    provider: { aws: [{ region: "us-east-1" }] },
    data: { aws_caller_identity: { current: {} } },
    resource: {
      aws_iam_role: Object.fromEntries(entries.map(([label, spec]) => [label, {
        name: `review-${label.replace(/_/g, "-")}`, assume_role_policy: spec.trust,
        ...(spec.description ? { description: spec.description } : {}), ...(spec.tags ? { tags: spec.tags } : {}),
      }])),
      aws_iam_role_policy: Object.fromEntries(entries.filter(([, spec]) => spec.policy).map(([label, spec]) => [label, {
        name: "permissions", role: `\${aws_iam_role.${label}.name}`, policy: spec.policy,
      }])),
    },
  };
}

const APPLIED: { [label: string]: RoleSpec } = {
  kept: { trust: EC2, policy: allowAll("s3") },
  widened: { trust: EC2, policy: allowAll("s3") },
  waived_by_tag: { trust: EC2, policy: allowAll("sqs"), tags: { "iam-review:waive:service-wildcard": "2099-12-31 queue admin reviewed SEC-7" } },
};
/** The change: a new role open to anyone, one policy widened, one role's description. */
const CHANGED = {
  ...APPLIED,
  kept: { ...APPLIED.kept, description: "reports reader" },
  widened: { trust: EC2, policy: allowAll("s3", "sqs") },
  opened: { trust: document({ Effect: "Allow", Principal: { AWS: "*" }, Action: "sts:AssumeRole" }) },
};
/** A change that brings no risk: a description. */
const HARMLESS = { ...APPLIED, kept: CHANGED.kept };

let base: TerraformWorkdir;
let dir: string;
let scenario: Scenario;
let changed: PlanJson;
let harmless: PlanJson;
let review: Review;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "review-plans-"));
  base = await initialisedWorkdir("review-fail-on-new");
  scenario = await Scenario.start(base, "review-fail-on-new", { account: ACCOUNT });
  scenario.use(configuration(APPLIED));
  await scenario.apply();
  scenario.use(configuration(CHANGED));
  changed = await scenario.plan();
  scenario.use(configuration(HARMLESS));
  harmless = await scenario.plan();
  review = await reviewPlan(parsePlan(JSON.stringify(changed), "plan.json"));
});

afterAll(async () => {
  await scenario?.stop();
  base?.remove();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

async function gate(plan: PlanJson, args: string[]) {
  const file = path.join(dir, `plan-${Math.random().toString(36).slice(2)}.json`);
  fs.writeFileSync(file, JSON.stringify(plan));
  let stderr = "";
  const code = await main([file, ...args], () => undefined, (text) => (stderr += text));
  return { code, stderr };
}

describe("a plan that changes applied roles", () => {
  it("lists each finding as new, worsened, existing or waived, judged against the prior state", () => {
    expect(review.findings.map((item) => [item.rule, item.address, item.waived ? "waived" : item.novelty]).sort()).toEqual([
      ["service-wildcard", "aws_iam_role_policy.kept", "existing"],
      ["service-wildcard", "aws_iam_role_policy.waived_by_tag", "waived"],
      ["service-wildcard", "aws_iam_role_policy.widened", "worsened"],
      ["wildcard-principal", "aws_iam_role.opened", "new"],
    ]);
  });

  it("fails --fail-on-new for what the change adds only", async () => {
    expect(await gate(changed, ["--fail-on=warning", "--fail-on-new"])).toEqual({
      code: 1, stderr: "review: 2 findings at warning or above brought by this plan (of 4 findings); failing\n",
    });
    expect(await gate(changed, ["--fail-on=error", "--fail-on-new"])).toMatchObject({ code: 1, stderr: expect.stringMatching(/^review: 1 finding at error/) });
  });

  it("passes --fail-on-new on a change that brings no risk, where --fail-on alone fails on what exists", async () => {
    expect(await gate(harmless, ["--fail-on=warning", "--fail-on-new"])).toEqual({ code: 0, stderr: "" });
    expect(await gate(harmless, ["--fail-on=warning"])).toMatchObject({ code: 1 });
  });

  it("takes the account of an applied role from its own ARN in the prior state", () => {
    expect(review.roles.find((result) => result.role.address === "aws_iam_role.kept")?.role.facts.sources)
      .toContain(`account ${ACCOUNT} from the role's ARN`);
  });

  it("reads the waiver tag from the applied role: its finding stays waived, with the tag's reason", () => {
    expect(review.findings.find((item) => item.address === "aws_iam_role_policy.waived_by_tag")?.waived).toEqual({
      reason: "queue admin reviewed SEC-7", expires: "2099-12-31", source: "tag iam-review:waive:service-wildcard on aws_iam_role.waived_by_tag",
    });
  });
});
