/**
 * The gate: what a plan brings (new, worsened) against what its prior state had (existing), `--fail-on-new`,
 * and waivers from a file or a role tag, expiry included; bad waivers get one line and exit 2. Plans are written
 * in the shape `terraform show -json` gives an update (before and after values), with AWS's documented policies.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { main } from "../../review/cli";
import { parsePlan } from "../../review/plan";
import { reviewPlan, ReviewOptions } from "../../review/review";
import { handBuiltPlan, HandBuiltChange } from "../support/hand-built-plans";
import { ANYONE, CHANGED_ACCOUNT, CHANGES, EC2_TRUST, policyChange, roleChange, S3_ALL, S3_AND_SQS_ALL } from "../support/changed-plans";

const ACCOUNT = CHANGED_ACCOUNT;
const TODAY = "2026-06-15";

const review = (changes: HandBuiltChange[], options: ReviewOptions = {}) =>
  reviewPlan(parsePlan(JSON.stringify(handBuiltPlan(changes)), "plan.json"), { facts: { account: ACCOUNT }, today: TODAY, ...options });

const statusOf = async (changes: HandBuiltChange[], options: ReviewOptions = {}) =>
  (await review(changes, options)).findings.map((item) => [item.rule, item.address, item.waived ? "waived" : item.novelty]);

describe("what a plan brings", () => {
  it("calls a finding of the prior state existing, one with more subjects worsened, and one of a created role new", async () => {
    expect(await statusOf(CHANGES)).toEqual([
      ["service-wildcard", "aws_iam_role_policy.kept", "existing"],
      ["service-wildcard", "aws_iam_role_policy.widened", "worsened"],
      ["wildcard-principal", "aws_iam_role.opened", "new"],
    ]);
  });

  it("calls a narrowed finding existing: fewer subjects than before bring nothing", async () => {
    expect(await statusOf([roleChange("narrowed", { before: EC2_TRUST, after: EC2_TRUST }),
      policyChange("narrowed", { before: S3_AND_SQS_ALL, after: S3_ALL })])).toEqual([["service-wildcard", "aws_iam_role_policy.narrowed", "existing"]]);
  });

  it.each([
    { gate: { failOn: "warning" as const }, failed: true, failing: 3 },
    { gate: { failOn: "warning" as const, newOnly: true }, failed: true, failing: 2 },
    { gate: { failOn: "error" as const, newOnly: true }, failed: true, failing: 1 },
    { gate: { newOnly: true }, failed: true, failing: 2 },
    { gate: {}, failed: false, failing: 0 },
  ])("decides the gate $gate: failed $failed, $failing failing", async ({ gate, failed, failing }) => {
    expect((await review(CHANGES, { gate })).gate).toMatchObject({ failed, failing });
  });

  it("passes --fail-on-new on a plan that only keeps what exists", async () => {
    expect((await review(CHANGES.slice(0, 2), { gate: { failOn: "warning", newOnly: true } })).gate).toMatchObject({ failed: false });
    expect((await review(CHANGES.slice(0, 2), { gate: { failOn: "warning" } })).gate).toMatchObject({ failed: true });
  });
});

describe("waivers", () => {
  const waiver = (expires: string, address = "aws_iam_role_policy.kept", rule = "service-wildcard" as const) =>
    ({ rule, address, reason: "reports bucket reviewed by security (SEC-12)", expires, source: "w.json waivers[0]" });

  it("reports a waived finding as waived until its date, the date itself included, and it fails nothing", async () => {
    const result = await review(CHANGES.slice(0, 2), { waivers: [waiver(TODAY)], gate: { failOn: "warning" } });
    expect(result.findings).toEqual([expect.objectContaining({ rule: "service-wildcard", waived: expect.objectContaining({ expires: TODAY }) })]);
    expect(result.gate.failed).toBe(false);
  });

  it("waives every finding of the rule for a role when the waiver names the role", async () => {
    expect(await statusOf(CHANGES.slice(0, 2), { waivers: [waiver(TODAY, "aws_iam_role.kept")] }))
      .toEqual([["service-wildcard", "aws_iam_role_policy.kept", "waived"]]);
  });

  it("fails on an expired waiver, and the finding it waived counts again", async () => {
    const result = await review(CHANGES.slice(0, 2), { waivers: [waiver("2026-06-14")], gate: { failOn: "error", newOnly: true } });
    expect(result.findings.map((item) => [item.rule, item.address, item.waived ? "waived" : item.novelty])).toEqual([
      ["service-wildcard", "aws_iam_role_policy.kept", "existing"],
      ["waiver-expired", "aws_iam_role_policy.kept", "new"],
    ]);
    expect(result.gate).toMatchObject({ failed: true, failing: 1 });
  });

  it("warns of a waiver that matches nothing", async () => {
    const result = await review(CHANGES.slice(0, 2), { waivers: [waiver(TODAY, "aws_iam_role_policy.gone")] });
    expect(result.findings.map((item) => [item.rule, item.severity, item.address]))
      .toContainEqual(["waiver-unmatched", "warning", "aws_iam_role_policy.gone"]);
  });

  it("reads a role's waiver tags from the prior state, never from the plan: a plan cannot waive what it brings", async () => {
    const tagged = (tags: { [key: string]: string }) => [roleChange("kept", { before: EC2_TRUST, after: EC2_TRUST }, tags),
      policyChange("kept", { before: S3_ALL, after: S3_ALL })];
    expect(await statusOf(tagged({ "iam-review:waive:service-wildcard": `${TODAY} reports bucket reviewed` })))
      .toEqual([["service-wildcard", "aws_iam_role_policy.kept", "waived"]]);
    const added = roleChange("fresh", { after: ANYONE });
    added.change.after.tags = { "iam-review:waive:wildcard-principal": "2099-01-01 trust me" };
    expect(await statusOf([added])).toEqual([["wildcard-principal", "aws_iam_role.fresh", "new"]]);
  });

  it.each([
    { value: "soon reviewed", says: /its value is not "YYYY-MM-DD reason"/ },
    { value: "2026-02-30 reviewed", says: /its value is not "YYYY-MM-DD reason"/ },
    { value: "2026-12-31", says: /its value is not "YYYY-MM-DD reason"/ },
  ])("reports a waiver tag $value as waiver-invalid", async ({ value, says }) => {
    const result = await review([roleChange("kept", { before: EC2_TRUST, after: EC2_TRUST }, { "iam-review:waive:service-wildcard": value })]);
    expect(result.findings).toEqual([expect.objectContaining({ rule: "waiver-invalid", address: "aws_iam_role.kept", message: expect.stringMatching(says) })]);
  });
});

describe("the command's flags", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "review-gate-"));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, content: unknown) => {
    const target = path.join(dir, name);
    fs.writeFileSync(target, typeof content === "string" ? content : JSON.stringify(content));
    return target;
  };
  async function run(args: string[]) {
    let stdout = "";
    let stderr = "";
    const code = await main([...args, `--account=${ACCOUNT}`], (text) => (stdout += text), (text) => (stderr += text));
    return { code, stdout, stderr };
  }
  const plan = () => file("plan.json", handBuiltPlan(CHANGES));
  const unchangedPlan = () => file("kept.json", handBuiltPlan(CHANGES.slice(0, 2)));
  const inAYear = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);

  it.each([
    { args: ["--fail-on=warning"], code: 1 },
    { args: ["--fail-on=warning", "--fail-on-new"], code: 1 },
    { args: ["--fail-on-new"], code: 1 },
  ])("exits $code with $args on a plan that brings risk", async ({ args, code }) => {
    expect((await run([plan(), ...args])).code).toBe(code);
  });

  it("exits 0 with --fail-on-new on a plan that brings none, and lists what exists as existing", async () => {
    const result = await run([unchangedPlan(), "--fail-on=warning", "--fail-on-new"]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toMatch(/\| warning \| `service-wildcard` \| `aws_iam_role_policy\.kept` \| existing \|/);
    expect(result.stdout).toContain("1 finding, 0 new or worsened by this plan; passes --fail-on=warning --fail-on-new.");
  });

  it("takes waivers from a file, and says why each is waived", async () => {
    const waivers = file("waivers.json", { waivers: [{ rule: "service-wildcard", address: "aws_iam_role_policy.kept", reason: "reviewed (SEC-12)", expires: inAYear }] });
    const result = await run([unchangedPlan(), "--fail-on=warning", `--waivers=${waivers}`]);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toContain(`| waived until ${inAYear}: reviewed (SEC-12) |`);
  });

  it("fails with one line when a waiver has expired", async () => {
    const waivers = file("expired.json", { waivers: [{ rule: "service-wildcard", address: "aws_iam_role_policy.kept", reason: "reviewed", expires: "2024-01-31" }] });
    const result = await run([unchangedPlan(), "--fail-on=error", "--fail-on-new", `--waivers=${waivers}`]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^review: 1 finding at error or above brought by this plan \(of 2 findings\); failing\n$/);
    expect(result.stdout).toContain("the waiver of service-wildcard expired on 2024-01-31: reviewed");
  });

  const entry = { rule: "service-wildcard", address: "aws_iam_role_policy.kept", reason: "reviewed", expires: "2099-01-01" };
  it.each([
    { problem: "a file that is not JSON", content: "{ waivers", message: /^review: waivers file .*bad\.json is not JSON \(/ },
    { problem: "a list at the top", content: [entry], message: /bad\.json is not \{"waivers": \[\{"rule", "address", "reason", "expires"\}, \.\.\.\]\}\n$/ },
    { problem: "a rule that does not exist", content: { waivers: [{ ...entry, rule: "wildcard-principals" }] },
      message: /bad\.json: waivers\[0\]\.rule "wildcard-principals" is not a rule of this review \(wildcard-principal, / },
    { problem: "a date that does not exist", content: { waivers: [entry, { ...entry, expires: "2026-02-30" }] },
      message: /bad\.json: waivers\[1\]\.expires "2026-02-30" is not a date YYYY-MM-DD\n$/ },
    { problem: "no reason", content: { waivers: [{ ...entry, reason: " " }] }, message: /bad\.json: waivers\[0\]\.reason is " "; expected a non-empty string\n$/ },
    { problem: "an unknown field", content: { waivers: [{ ...entry, until: "2026-01-01" }] },
      message: /bad\.json: waivers\[0\] has field "until"; a waiver has rule, address, reason and expires\n$/ },
  ])("exits 2 with one line naming the entry, field and value for $problem", async ({ content, message }) => {
    const result = await run([plan(), `--waivers=${file("bad.json", content)}`]);
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1);
  });

  it.each([
    { args: ["--format=html"], message: /^review: --format is "html"; expected markdown or sarif\n$/ },
    { args: ["--waivers=no-such-file.json"], message: /^review: cannot read waivers file no-such-file\.json: no such file\n$/ },
    { args: ["--fail-on-new=yes"], message: /^review: --fail-on-new takes no value; usage: review / },
  ])("exits 2 with one line for $args", async ({ args, message }) => {
    expect(await run([plan(), ...args])).toMatchObject({ code: 2, stdout: "", stderr: expect.stringMatching(message) });
  });
});
