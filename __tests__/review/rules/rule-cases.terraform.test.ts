/**
 * Every rule family's case table (the `*.cases.ts` files beside this one), planned in one `terraform plan` by the
 * real Terraform and AWS provider against the scenario's IAM endpoint: each case must get exactly the findings its
 * table gives, naming the right addresses; the documented EC2, Lambda and ECS roles and the other clean cases pass
 * `--fail-on=warning`.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../../review/cli";
import { parsePlan } from "../../../review/plan";
import { Review, reviewPlan } from "../../../review/review";
import { RULE_TABLE } from "../../../review/rules";
import { RULES } from "../../../review/findings";
import { initialisedWorkdir, Scenario } from "../../support/lifecycle";
import { PlanJson, TerraformWorkdir } from "../../support/terraform";
import { ACCOUNT, merge, RuleCase } from "./cases";
import { CONFUSED_DEPUTY_CASES } from "./confused-deputy.cases";
import { FEDERATION_CASES } from "./federation.cases";
import { OPS_POLICY, OPS_POLICY_ARN, PINPOINT_CASES, PROVIDERS } from "./pinpoint.cases";
import { TRUST_CASES } from "./trust.cases";

const FAMILIES: ReadonlyArray<[string, readonly RuleCase[]]> = [
  ["trust", TRUST_CASES], ["federation", FEDERATION_CASES], ["confused deputy", CONFUSED_DEPUTY_CASES], ["pinpoint and facts", PINPOINT_CASES],
];
const CASES = FAMILIES.flatMap(([, cases]) => cases);

let base: TerraformWorkdir;
let dir: string;
let scenario: Scenario;
let plan: PlanJson;
let review: Review;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "review-plans-"));
  base = await initialisedWorkdir("review-rule-cases");
  scenario = await Scenario.start(base, "review-rule-cases", { account: ACCOUNT });
  // A managed policy that exists before the plan, for data.aws_iam_policy to read.
  await scenario.iam.call("CreatePolicy", { PolicyName: OPS_POLICY.name, PolicyDocument: OPS_POLICY.document });
  scenario.use({
    terraform: { required_providers: { aws: { source: "aws", version: "5.100.0" } } },
    ...PROVIDERS,
    ...merge({ data: { aws_caller_identity: { current: {} } } }, ...CASES.map((item) => item.config)),
  });
  plan = await scenario.plan();
  review = await reviewPlan(parsePlan(JSON.stringify(plan), "plan.json"));
});

afterAll(async () => {
  await scenario?.stop();
  base?.remove();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The distinct (rule, address) pairs of a case's role. */
function found(label: string): Array<[string, string]> {
  const result = review.roles.find((candidate) => candidate.role.address === `aws_iam_role.${label}`);
  if (!result) throw new Error(`aws_iam_role.${label} is not in the review`);
  return [...new Set(result.findings.map((item) => JSON.stringify([item.rule, item.address])))].map((pair) => JSON.parse(pair));
}

describe.each(FAMILIES)("the %s case table", (_family, cases) => {
  it.each(cases)("$label: $why", ({ label, expect: expected }) => {
    expect(found(label).sort()).toEqual([...expected].map(([rule, address]) => [rule, address]).sort());
  });
});

describe("the case tables as a whole", () => {
  it("have a case for every rule of the rule table and its family in RULES", () => {
    const covered = new Set(CASES.flatMap((item) => item.expect.map(([rule]) => rule)));
    const families = ["trust", "federation", "confused-deputy"];
    expect(Object.keys(RULE_TABLE).filter((rule) => families.includes(RULES[rule as keyof typeof RULES].family) && !covered.has(rule as never))).toEqual([]);
  });

  it("read the account from the plan: the caller identity, and the aliased provider's assume_role for its role", () => {
    const facts = (label: string) => review.roles.find((result) => result.role.address === `aws_iam_role.${label}`)?.role.facts;
    expect(facts("pinpoint_for_other_account")).toMatchObject({ account: ACCOUNT });
    expect(facts("pinpoint_in_target_account")?.sources).toContainEqual(expect.stringMatching(/^account 109876543210 from the provider's assume_role\.role_arn /));
  });

  it("names a permission read by data.aws_iam_policy by its attachment, with the ARN and the data source as evidence", () => {
    const result = review.roles.find((candidate) => candidate.role.address === "aws_iam_role.ops_read_by_data");
    expect(result?.findings.map((item) => item.evidence)).toEqual([
      `policy ${OPS_POLICY_ARN} (read by data.aws_iam_policy.ops, attached by aws_iam_role_policy_attachment.ops_read_by_data) statement 1: Allow iam:* on *`,
    ]);
  });

  it("passes --fail-on=warning on a plan of the clean cases alone, and fails on the whole plan", async () => {
    const clean = CASES.filter((item) => item.expect.length === 0).map((item) => item.label);
    const keep = (address: string) => clean.some((label) => address.split(".").slice(-1)[0] === label);
    const file = (name: string, content: object) => {
      const target = path.join(dir, name);
      fs.writeFileSync(target, JSON.stringify(content));
      return target;
    };
    const cleanPlan = file("clean.json", { ...plan, resource_changes: (plan.resource_changes ?? []).filter((change) => keep(change.address)) });
    let stderr = "";
    expect(await main([cleanPlan, "--fail-on=warning"], () => undefined, (text) => (stderr += text))).toBe(0);
    expect(stderr).toBe("");
    expect(await main([file("all.json", plan), "--fail-on=warning"], () => undefined, () => undefined)).toBe(1);
  });
});
