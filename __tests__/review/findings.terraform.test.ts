/**
 * Each rule of the review, in its compliant and its non-compliant form, on
 * plan JSON written by the real Terraform and AWS provider against moto: a
 * plan that creates hand-written roles, then, after applying it,
 * a plan that updates one role in place and replaces another.
 */
import * as fs from "fs";
import * as path from "path";
import { EmulatedAccount } from "../support/emulator";
import { PlanJson, TerraformWorkdir, testEnv } from "../support/terraform";
import { RuleId } from "../../review/findings";
import { main } from "../../review/cli";
import { parsePlan } from "../../review/plan";
import { Review, reviewPlan } from "../../review/review";
import { DocumentState } from "../../review/documents";
import { allow, pinpointTrust, trust } from "./documents";

const ACCOUNT = "345678901234";

const identityArn = (name: string) => `arn:aws:ses:us-east-1:${ACCOUNT}:identity/${name}`;
const accountRoot = { AWS: `arn:aws:iam::${ACCOUNT}:root` };

/** One role of the configuration: trust policy, and an inline policy as a resource or an inline_policy block. */
interface RoleSpec {
  readonly name: string;
  readonly trust: string;
  readonly policy?: string;
  readonly inlineBlock?: boolean;
  readonly exclusive?: boolean;
}

/** Pairs of roles: the same purpose, once breaking a rule and once not. */
const RULE_ROLES: ReadonlyArray<{ rule: RuleId; compliant: RoleSpec; nonCompliant: RoleSpec }> = [
  {
    rule: "service-trust-without-source",
    compliant: { name: "scheduler_with_source", trust: trust({ Service: "scheduler.amazonaws.com" }, { StringEquals: { "aws:SourceAccount": ACCOUNT } }) },
    nonCompliant: { name: "scheduler_without_source", trust: trust({ Service: "scheduler.amazonaws.com" }) },
  },
  {
    rule: "wildcard-principal",
    compliant: { name: "account_principal", trust: trust(accountRoot) },
    nonCompliant: { name: "anyone_principal", trust: trust({ AWS: "*" }) },
  },
  {
    rule: "all-actions",
    compliant: { name: "one_action", trust: trust(accountRoot), policy: allow("s3:GetObject", "arn:aws:s3:::reports/*"), inlineBlock: true },
    nonCompliant: { name: "every_action", trust: trust(accountRoot), policy: allow("*", "*"), inlineBlock: true },
  },
  {
    rule: "service-wildcard",
    compliant: { name: "ses_read", trust: trust(accountRoot), policy: allow("ses:GetAccount", "*") },
    nonCompliant: { name: "ses_everything", trust: trust(accountRoot), policy: allow("ses:*", identityArn("example.com")) },
  },
  {
    rule: "send-on-any-resource",
    compliant: { name: "send_from_identity", trust: trust(accountRoot), policy: allow("ses:SendEmail", identityArn("example.com")) },
    nonCompliant: { name: "send_from_anything", trust: trust(accountRoot), policy: allow("ses:SendEmail", "*") },
  },
  {
    rule: "simulation-mismatch",
    compliant: {
      name: "pinpoint_complete",
      trust: pinpointTrust(ACCOUNT),
      policy: allow(["ses:SendEmail", "ses:SendRawEmail"], identityArn("*")),
      exclusive: true,
    },
    nonCompliant: { name: "pinpoint_without_raw", trust: pinpointTrust(ACCOUNT), policy: allow("ses:SendEmail", identityArn("*")) },
  },
];

/** Roles that the second plan changes: one in place, one by replacement. */
const UPDATED = { name: "updated_in_place", trust: pinpointTrust(ACCOUNT), policy: allow(["ses:SendEmail", "ses:SendRawEmail"], identityArn("*")) };
const UPDATED_AFTER = { ...UPDATED, policy: allow(["ses:SendEmail", "ses:SendRawEmail"], [identityArn("example.com"), identityArn("news.example.com")]) };
const RENAMED = { name: "renamed_before", trust: trust(accountRoot) };
const RENAMED_AFTER = { ...RENAMED, name: "renamed_after" };

function roleHcl(label: string, role: RoleSpec): string {
  const inline = role.inlineBlock && role.policy
    ? `\n  inline_policy {\n    name   = "inline"\n    policy = ${JSON.stringify(role.policy)}\n  }` : "";
  const policy = !role.inlineBlock && role.policy
    ? `\nresource "aws_iam_role_policy" "${label}" {\n  name   = "permissions"\n  role   = aws_iam_role.${label}.name\n` +
      `  policy = ${JSON.stringify(role.policy)}\n}\n` : "";
  const exclusive = role.exclusive
    ? `\nresource "aws_iam_role_policies_exclusive" "${label}" {\n  role_name    = aws_iam_role.${label}.name\n` +
      `  policy_names = [aws_iam_role_policy.${label}.name]\n}\n` : "";
  return `resource "aws_iam_role" "${label}" {\n  name               = "${role.name.replace(/_/g, "-")}"\n` +
    `  assume_role_policy = ${JSON.stringify(role.trust)}${inline}\n}\n${policy}${exclusive}`;
}

function configuration(roles: { [label: string]: RoleSpec }): string {
  return ['provider "aws" {\n  region = "us-east-1"\n}\n', 'data "aws_caller_identity" "current" {}\n',
    ...Object.entries(roles).map(([label, role]) => roleHcl(label, role))].join("\n");
}

const RULE_LABELS = Object.fromEntries(RULE_ROLES.flatMap(({ compliant, nonCompliant }) =>
  [[compliant.name, compliant], [nonCompliant.name, nonCompliant]]));

let aws: EmulatedAccount;
let workdir: TerraformWorkdir;
let createPlan: PlanJson;
let changePlan: PlanJson;
let created: Review;
let changed: Review;

beforeAll(async () => {
  aws = await EmulatedAccount.open(ACCOUNT);
  const env = testEnv(aws.env);
  workdir = TerraformWorkdir.create("review-rules");
  workdir.write("main.tf", configuration({ ...RULE_LABELS, updated: UPDATED, renamed: RENAMED }));
  await workdir.init();
  createPlan = await workdir.plan(env);
  await workdir.apply(env, { savedPlan: true });
  workdir.write("main.tf", configuration({ ...RULE_LABELS, updated: UPDATED_AFTER, renamed: RENAMED_AFTER }));
  changePlan = await workdir.plan(env);
  created = await reviewPlan(parsePlan(JSON.stringify(createPlan), "create plan"));
  changed = await reviewPlan(parsePlan(JSON.stringify(changePlan), "change plan"));
});

afterAll(async () => {
  workdir?.remove();
});

const rulesOf = (review: Review, label: string) =>
  review.roles.find((result) => result.role.address === `aws_iam_role.${label}`)?.findings.map((item) => item.rule);

describe("review rules on a plan made by terraform", () => {
  it.each(RULE_ROLES)("reports $rule for the non-compliant role and nothing for its compliant twin", ({ rule, compliant, nonCompliant }) => {
    expect(rulesOf(created, nonCompliant.name)).toContain(rule);
    expect(rulesOf(created, compliant.name)).toEqual([]);
  });

  it("gives evidence naming the statement that breaks the rule", () => {
    const wildcard = created.findings.find((item) => item.rule === "wildcard-principal");
    expect(wildcard).toMatchObject({
      address: "aws_iam_role.anyone_principal",
      severity: "error",
      evidence: "trust policy statement 1: Allow to AWS * sts:AssumeRole",
    });
    const mismatch = created.findings.find((item) => item.rule === "simulation-mismatch");
    expect(mismatch).toMatchObject({
      address: "aws_iam_role.pinpoint_without_raw",
      message: "the role calls ses:SendRawEmail on identity example.com: expected Allowed, simulated Denied",
      evidence: `ses:SendRawEmail on ${identityArn("example.com")}: Denied, no statement of the role's policies allows it`,
    });
  });

  it("reads inline_policy blocks and aws_iam_role_policies_exclusive as the role's", () => {
    const everyAction = created.roles.find((result) => result.role.address === "aws_iam_role.every_action");
    expect(everyAction?.role.policies.map((policy) => [policy.address, policy.change]))
      .toEqual([['aws_iam_role.every_action inline_policy "inline"', "create"]]);
    const complete = created.roles.find((result) => result.role.address === "aws_iam_role.pinpoint_complete");
    expect(complete?.role.exclusivePolicyNames).toEqual(["permissions"]);
  });

  it("takes the account from the plan's data.aws_caller_identity", () => {
    expect(new Set(created.roles.map((result) => result.role.facts.account))).toEqual(new Set([ACCOUNT]));
  });
});

describe("review of a plan that changes applied roles", () => {
  const resultOf = (label: string) => changed.roles.find((result) => result.role.address === `aws_iam_role.${label}`);

  it("reports role-replaced for a renamed role and not for one updated in place", () => {
    expect(resultOf("renamed")?.role.change).toBe("replace");
    expect(resultOf("renamed")?.findings.map((item) => [item.rule, item.evidence]))
      .toEqual([["role-replaced", "replaced because of: name"]]);
    expect(resultOf("updated")?.findings).toEqual([]);
  });

  it("shows the updated policy's statements before and after", () => {
    const policy = resultOf("updated")?.role.policies[0];
    expect(policy?.change).toBe("update");
    const statements = (state: DocumentState) =>
      state.state === "known" ? state.policy.statements.map((statement) => statement.resource) : [];
    expect(statements(policy!.before)).toEqual([[identityArn("*")]]);
    expect(statements(policy!.after)).toEqual([[identityArn("example.com"), identityArn("news.example.com")]]);
  });

  it("leaves unchanged roles as no change, with the same findings as when they were created", () => {
    const unchanged = changed.roles.filter((result) => result.role.address.endsWith("_principal"));
    expect(unchanged.map((result) => result.role.change)).toEqual(["no change", "no change"]);
    expect(unchanged.map((result) => result.findings.map((item) => item.rule)))
      .toEqual(unchanged.map((result) => rulesOf(created, result.role.address.split(".")[1])));
  });
});

describe("the review command's exit codes on terraform's plans", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(workdir.dir, "cli-"));
  });

  /** The create plan cut down to the resources of some roles: still terraform's JSON. */
  function planOf(labels: readonly string[]): string {
    const file = path.join(dir, `${labels.join("-")}.json`);
    const keep = (address: string) => labels.some((label) => address.split(".")[1] === label);
    fs.writeFileSync(file, JSON.stringify({ ...createPlan, resource_changes: (createPlan.resource_changes ?? []).filter((change) => keep(change.address)) }));
    return file;
  }

  async function exitCode(args: string[]): Promise<number> {
    return main(args, () => undefined, () => undefined);
  }

  it.each([
    { roles: ["account_principal", "send_from_identity"], failOn: "warning", code: 0 },
    { roles: ["send_from_anything"], failOn: "error", code: 0 },
    { roles: ["send_from_anything"], failOn: "warning", code: 1 },
    { roles: ["anyone_principal"], failOn: "error", code: 1 },
  ])("exits $code with --fail-on=$failOn for the roles $roles", async ({ roles, failOn, code }) => {
    expect(await exitCode([planOf(roles), `--fail-on=${failOn}`])).toBe(code);
  });

  it("exits 0 without --fail-on whatever it finds", async () => {
    expect(await exitCode([planOf(["anyone_principal"])])).toBe(0);
  });
});
