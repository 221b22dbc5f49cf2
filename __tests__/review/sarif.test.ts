/**
 * `--format=sarif`: a SARIF 2.1.0 log that validates against the SARIF 2.1.0 JSON schema (vendored in
 * __tests__/fixtures/sarif/, where it says where it came from), one result per finding with its rule id, level,
 * Terraform address, a fingerprint that stays put when statements move, the plan's novelty and waivers.
 */
import Ajv2020 from "ajv/dist/2020";
import addFormats from "ajv-formats";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../review/cli";
import { RULE_IDS } from "../../review/findings";
import { parsePlan } from "../../review/plan";
import { reviewPlan } from "../../review/review";
import { renderSarif } from "../../review/sarif";
import { handBuiltPlan } from "../support/hand-built-plans";
import { CHANGED_ACCOUNT, CHANGES, policyChange, roleChange, S3_AND_SQS_ALL, EC2_TRUST } from "../support/changed-plans";

const schema = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "sarif", "sarif-2.1.0.json"), "utf8"));
// The schema's `required` lists name properties some branches do not declare; that is the schema's, not ours.
const ajv = new Ajv2020({ allErrors: true, strictRequired: false });
addFormats(ajv);
const validate = ajv.compile(schema);

const WAIVERS = [{ rule: "service-wildcard" as const, address: "aws_iam_role_policy.kept", reason: "reviewed (SEC-12)", expires: "2099-01-01", source: "w.json waivers[0]" }];

async function sarifOf(changes = CHANGES): Promise<any> {
  const review = await reviewPlan(parsePlan(JSON.stringify(handBuiltPlan(changes)), "plan.json"), { facts: { account: CHANGED_ACCOUNT }, waivers: WAIVERS });
  return renderSarif(review, "plans/plan.json");
}

describe("SARIF output", () => {
  it("validates against the SARIF 2.1.0 schema", async () => {
    const log = await sarifOf();
    expect(validate(log) ? [] : validate.errors).toEqual([]);
  });

  it("fails the schema when broken, so the check above can fail", async () => {
    const log = await sarifOf();
    log.runs[0].results[0].level = "fatal";
    expect(validate(log)).toBe(false);
  });

  it("gives each finding a result: rule id and index, level, address, novelty, and a suppression when waived", async () => {
    const log = await sarifOf();
    const [run] = log.runs;
    expect(run.tool.driver.rules.map((rule: any) => rule.id)).toEqual(RULE_IDS);
    expect(run.results.map((result: any) => [result.ruleId, run.tool.driver.rules[result.ruleIndex].id, result.level,
      result.locations[0].logicalLocations[0].fullyQualifiedName, result.baselineState, result.suppressions?.[0].status ?? null])).toEqual([
      ["service-wildcard", "service-wildcard", "warning", "aws_iam_role_policy.kept", "unchanged", "accepted"],
      ["service-wildcard", "service-wildcard", "warning", "aws_iam_role_policy.widened", "updated", null],
      ["wildcard-principal", "wildcard-principal", "error", "aws_iam_role.opened", "new", null],
    ]);
    expect(run.results[0].locations[0].physicalLocation.artifactLocation.uri).toBe("plans/plan.json");
  });

  it("keeps a finding's fingerprint when its statements move and its wording changes, and changes it with its subjects", async () => {
    const reordered = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Deny", Action: "s3:DeleteBucket", Resource: "*" },
      { Effect: "Allow", Action: ["sqs:*", "s3:*"], Resource: "*" }] });
    const fingerprint = async (policy: string) => (await sarifOf([roleChange("widened", { before: EC2_TRUST, after: EC2_TRUST }),
      policyChange("widened", { before: policy, after: policy })])).runs[0].results[0].fingerprints["iamReviewFinding/v1"];
    expect(await fingerprint(reordered)).toBe(await fingerprint(S3_AND_SQS_ALL));
    expect(await fingerprint(JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:*", Resource: "*" }] })))
      .not.toBe(await fingerprint(S3_AND_SQS_ALL));
  });

  it("is what --format=sarif writes to --out, beside the exit code of the gate", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "review-sarif-"));
    try {
      const plan = path.join(dir, "plan.json");
      const out = path.join(dir, "review.sarif");
      fs.writeFileSync(plan, JSON.stringify(handBuiltPlan(CHANGES)));
      let stdout = "";
      const code = await main([plan, "--format=sarif", `--out=${out}`, "--fail-on=error", `--account=${CHANGED_ACCOUNT}`], (text) => (stdout += text), () => undefined);
      const log = JSON.parse(fs.readFileSync(out, "utf8"));
      expect({ code, stdout, valid: validate(log) }).toEqual({ code: 1, stdout: "", valid: true });
      expect(log.runs[0].results).toHaveLength(3);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
