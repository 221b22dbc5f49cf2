/**
 * Every permission source of a role and every trust and Pinpoint-intent rule,
 * on one plan written by the real Terraform and AWS provider against moto:
 * dozens of roles in one configuration (hand-written HCL next to the
 * construct's synthesized JSON), dangerous ones and correct ones side by side.
 * A dangerous plan must never pass with 0 findings; a correct one must pass
 * `--fail-on=warning`.
 */
import * as fs from "fs";
import * as path from "path";
import { main } from "../../review/cli";
import { parsePlan } from "../../review/plan";
import { RoleResult, Review, reviewPlan } from "../../review/review";
import { EmulatedAccount } from "../support/emulator";
import { ACCOUNT, APP_IDS, plannedRolesStack } from "../support/planned-roles";
import { PlanJson, TerraformWorkdir, testEnv } from "../support/terraform";
import { initialisedWorkdir } from "../support/lifecycle";
import { allow, allowEach, pinpointTrust, sendPolicy, trust } from "./documents";

const OTHER_ACCOUNT = "999988887777";
const AWS_POLICY = (name: string) => `arn:aws:iam::aws:policy/${name}`;
const PINPOINT = { Service: "pinpoint.amazonaws.com" };
const SOURCE_ACCOUNT = { StringEquals: { "aws:SourceAccount": ACCOUNT } };

/** The construct, with every option, its SES in another Region (eu-west-1) than its provider (us-east-1). */
const CONSTRUCT_ROLES = [
  {
    id: "every_option",
    region: "us-east-1",
    props: {
      roleName: "pinpoint-sender-eu",
      path: "/messaging/",
      description: "Pinpoint sends campaign email through SES in eu-west-1",
      maxSessionDuration: 7200,
      tags: { team: "messaging" },
      region: "eu-west-1",
      sesIdentities: ["example.com", "news@example.org"],
      configurationSets: ["marketing"],
      pinpointApplicationIds: APP_IDS,
      policyName: "send-email",
      exclusiveInlinePolicy: true,
      permissionsBoundaryArn: `arn:aws:iam::${ACCOUNT}:policy/boundaries/send-only`,
    },
  },
  { id: "defaults", region: "us-east-1", props: {} },
];

/** HCL for a role; `extra` is more HCL inside the block (inline_policy, managed_policy_arns). */
const role = (label: string, trustPolicy: string, extra = "") =>
  `resource "aws_iam_role" "${label}" {\n  name = "${label.replace(/_/g, "-")}"\n  assume_role_policy = ${JSON.stringify(trustPolicy)}\n${extra}}\n`;
const inlinePolicy = (label: string, policy: string) =>
  `resource "aws_iam_role_policy" "${label}" {\n  name = "permissions"\n  role = aws_iam_role.${label}.name\n  policy = ${JSON.stringify(policy)}\n}\n`;
const managedPolicy = (label: string, policy: string) =>
  `resource "aws_iam_policy" "${label}" {\n  name = "${label.replace(/_/g, "-")}"\n  policy = ${JSON.stringify(policy)}\n}\n`;
/** An attachment; `arn` is HCL (a quoted literal or a reference). */
const attachment = (label: string, roleLabel: string, arn: string) =>
  `resource "aws_iam_role_policy_attachment" "${label}" {\n  role = aws_iam_role.${roleLabel}.name\n  policy_arn = ${arn}\n}\n`;
const quoted = (text: string) => JSON.stringify(text);
/** A Pinpoint role as the procedure has it (trust for the account, the send policy inline), plus `more` HCL. */
const sender = (label: string, more = "", roleExtra = "") =>
  role(label, pinpointTrust(ACCOUNT), roleExtra) + inlinePolicy(label, sendPolicy(ACCOUNT)) + more;

/** Hand-written roles: what each must be found to break (nothing, for the correct ones). */
const HCL_ROLES: ReadonlyArray<{ label: string; hcl: string; rules: readonly string[] }> = [
  // Correct: trust scoped by apps/*, or by aws:SourceArn alone; SES policy attached as a customer managed policy.
  {
    label: "apps_wildcard",
    hcl: role("apps_wildcard", pinpointTrust(ACCOUNT, { ArnLike: { "aws:SourceArn": `arn:aws:mobiletargeting:us-east-1:${ACCOUNT}:apps/*` } })) +
      inlinePolicy("apps_wildcard", sendPolicy(ACCOUNT)),
    rules: [],
  },
  {
    label: "source_arn_only",
    hcl: role("source_arn_only", trust(PINPOINT, { ArnLike: { "aws:SourceArn": `arn:aws:mobiletargeting:us-east-1:${ACCOUNT}:apps/*` } })) +
      inlinePolicy("source_arn_only", sendPolicy(ACCOUNT)),
    rules: [],
  },
  {
    label: "managed_send",
    hcl: role("managed_send", pinpointTrust(ACCOUNT)) + managedPolicy("send_policy", sendPolicy(ACCOUNT)) +
      attachment("managed_send", "managed_send", "aws_iam_policy.send_policy.arn") +
      `resource "aws_iam_role_policy_attachments_exclusive" "managed_send" {\n  role_name = aws_iam_role.managed_send.name\n` +
      "  policy_arns = [aws_iam_policy.send_policy.arn]\n}\n",
    rules: [],
  },
  // Correct roles of other services, well scoped.
  {
    label: "lambda_worker",
    hcl: role("lambda_worker", trust({ Service: "lambda.amazonaws.com" }, SOURCE_ACCOUNT)) +
      inlinePolicy("lambda_worker", allow("s3:GetObject", "arn:aws:s3:::reports/*")) +
      attachment("lambda_worker", "lambda_worker", quoted(AWS_POLICY("service-role/AWSLambdaBasicExecutionRole"))),
    rules: [],
  },
  {
    label: "scheduler_invoker",
    hcl: role("scheduler_invoker", trust({ Service: "scheduler.amazonaws.com" },
      { ArnEquals: { "aws:SourceArn": `arn:aws:scheduler:us-east-1:${ACCOUNT}:schedule-group/default` } })) +
      inlinePolicy("scheduler_invoker", allow("lambda:InvokeFunction", `arn:aws:lambda:us-east-1:${ACCOUNT}:function:worker`)),
    rules: [],
  },
  {
    label: "ci_with_external_id",
    hcl: role("ci_with_external_id", trust({ AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, { StringEquals: { "sts:ExternalId": "ci-7f3a" } })),
    rules: [],
  },
  {
    label: "org_member",
    hcl: role("org_member", trust({ AWS: OTHER_ACCOUNT }, { StringEquals: { "aws:PrincipalOrgID": "o-abc123def4" } })),
    rules: [],
  },

  // Dangerous: permissions from managed policies.
  {
    label: "attached_star",
    hcl: sender("attached_star", managedPolicy("star", allow("*", "*")) + attachment("attached_star", "attached_star", "aws_iam_policy.star.arn")),
    rules: ["all-actions", "pinpoint-beyond-sending"],
  },
  {
    label: "admin_by_arn",
    hcl: sender("admin_by_arn", attachment("admin_by_arn", "admin_by_arn", quoted(AWS_POLICY("AdministratorAccess")))),
    rules: ["all-actions", "pinpoint-beyond-sending"],
  },
  {
    label: "admin_in_role_argument",
    hcl: sender("admin_in_role_argument", "", `  managed_policy_arns = [${quoted(AWS_POLICY("AdministratorAccess"))}]\n`),
    rules: ["all-actions", "pinpoint-beyond-sending"],
  },
  {
    label: "power_user",
    hcl: sender("power_user", attachment("power_user", "power_user", quoted(AWS_POLICY("PowerUserAccess")))),
    rules: ["all-actions", "pinpoint-beyond-sending"],
  },
  {
    label: "full_access",
    hcl: sender("full_access", attachment("full_access_iam", "full_access", quoted(AWS_POLICY("IAMFullAccess"))) +
      attachment("full_access_ses", "full_access", quoted(AWS_POLICY("AmazonSESFullAccess")))),
    rules: ["service-wildcard", "pinpoint-beyond-sending"],
  },
  {
    label: "shared_attachment",
    hcl: sender("shared_attachment", `resource "aws_iam_policy_attachment" "shared_attachment" {\n  name = "shared"\n` +
      `  roles = [aws_iam_role.shared_attachment.name]\n  policy_arn = ${quoted(AWS_POLICY("AdministratorAccess"))}\n}\n`),
    rules: ["all-actions", "pinpoint-beyond-sending"],
  },
  {
    label: "exclusive_keeps_admin",
    hcl: sender("exclusive_keeps_admin", `resource "aws_iam_role_policy_attachments_exclusive" "exclusive_keeps_admin" {\n  role_name = aws_iam_role.exclusive_keeps_admin.name\n` +
      `  policy_arns = [${quoted(AWS_POLICY("AdministratorAccess"))}, ${quoted(`arn:aws:iam::${ACCOUNT}:policy/outside-the-plan`)}]\n}\n`),
    rules: ["all-actions", "pinpoint-beyond-sending", "not-reviewable"],
  },

  // Dangerous: what cannot be read.
  {
    label: "unseen_customer_policy",
    hcl: sender("unseen_customer_policy", attachment("unseen_customer_policy", "unseen_customer_policy", quoted(`arn:aws:iam::${ACCOUNT}:policy/team/outside-the-plan`))),
    rules: ["not-reviewable"],
  },
  {
    label: "partly_unknown_blocks",
    hcl: role("partly_unknown_blocks", trust({ Service: "ec2.amazonaws.com" }, SOURCE_ACCOUNT),
      `  inline_policy {\n    name = "known"\n    policy = ${JSON.stringify(allow("sqs:*", `arn:aws:sqs:us-east-1:${ACCOUNT}:jobs`))}\n  }\n` +
      "  inline_policy {\n    name = \"pending\"\n    policy = jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Allow\", " +
      "Action = \"iam:GetPolicy\", Resource = aws_iam_policy.star.arn }] })\n  }\n"),
    rules: ["service-wildcard", "not-reviewable"],
  },
  {
    label: "unknown_document",
    hcl: sender("unknown_document", "resource \"aws_iam_policy\" \"pending\" {\n  name = \"pending\"\n  policy = jsonencode({ Version = \"2012-10-17\", " +
      "Statement = [{ Effect = \"Allow\", Action = \"iam:GetPolicy\", Resource = aws_iam_policy.star.arn }] })\n}\n" +
      attachment("unknown_document", "unknown_document", "aws_iam_policy.pending.arn")),
    rules: ["not-reviewable"],
  },
  {
    label: "role_argument_reference",
    hcl: role("role_argument_reference", trust({ Service: "ec2.amazonaws.com" }, SOURCE_ACCOUNT),
      "  managed_policy_arns = [aws_iam_policy.s3_everything.arn]\n") + managedPolicy("s3_everything", allow("s3:*", "*")),
    rules: ["service-wildcard", "not-reviewable"],
  },
  {
    label: "exclusive_removes",
    hcl: role("exclusive_removes", trust({ Service: "ec2.amazonaws.com" }, SOURCE_ACCOUNT)) +
      inlinePolicy("exclusive_removes", allow("s3:GetObject", "arn:aws:s3:::reports/*")) +
      `resource "aws_iam_role_policy" "exclusive_removes_dropped" {\n  name = "dropped"\n  role = aws_iam_role.exclusive_removes.name\n` +
      `  policy = ${JSON.stringify(allow("sqs:*", "*"))}\n}\n` +
      `resource "aws_iam_role_policies_exclusive" "exclusive_removes" {\n  role_name = aws_iam_role.exclusive_removes.name\n` +
      "  policy_names = [aws_iam_role_policy.exclusive_removes.name]\n}\n",
    rules: ["service-wildcard"],
  },
  {
    label: "exclusive_names",
    hcl: role("exclusive_names", trust({ Service: "ec2.amazonaws.com" }, SOURCE_ACCOUNT)) +
      inlinePolicy("exclusive_names", allow("s3:GetObject", "arn:aws:s3:::reports/*")) +
      `resource "aws_iam_role_policies_exclusive" "exclusive_names" {\n  role_name = aws_iam_role.exclusive_names.name\n` +
      "  policy_names = [aws_iam_role_policy.exclusive_names.name, \"legacy\"]\n}\n",
    rules: ["not-reviewable"],
  },

  // Dangerous: the Pinpoint role's own policy beyond sending.
  {
    label: "extra_actions",
    hcl: role("extra_actions", pinpointTrust(ACCOUNT)) + inlinePolicy("extra_actions",
      allowEach([["ses:SendEmail", "ses:SendRawEmail"], `arn:aws:ses:us-east-1:${ACCOUNT}:identity/*`], [["s3:GetObject", "sns:Publish"], "*"])),
    rules: ["pinpoint-beyond-sending"],
  },
  {
    label: "pass_role",
    hcl: role("pass_role", pinpointTrust(ACCOUNT)) + inlinePolicy("pass_role",
      allowEach([["ses:SendEmail", "ses:SendRawEmail"], `arn:aws:ses:us-east-1:${ACCOUNT}:identity/*`],
        ["iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/pass-role`])),
    rules: ["pinpoint-beyond-sending"],
  },
  {
    label: "other_account_identity",
    hcl: role("other_account_identity", pinpointTrust(ACCOUNT)) + inlinePolicy("other_account_identity",
      allow(["ses:SendEmail", "ses:SendRawEmail"], [`arn:aws:ses:us-east-1:${ACCOUNT}:identity/*`, `arn:aws:ses:us-east-1:${OTHER_ACCOUNT}:identity/*`])),
    rules: ["foreign-resource"],
  },

  // Dangerous: trust.
  {
    label: "second_trust_statement",
    hcl: role("second_trust_statement", JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: PINPOINT, Action: "sts:AssumeRole", Condition: SOURCE_ACCOUNT },
        { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` }, Action: "sts:AssumeRole" },
      ],
    })) + inlinePolicy("second_trust_statement", sendPolicy(ACCOUNT)),
    rules: ["unexpected-trust-principal", "cross-account-trust"],
  },
  {
    label: "federated_too",
    hcl: role("federated_too", JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        { Effect: "Allow", Principal: PINPOINT, Action: "sts:AssumeRole", Condition: SOURCE_ACCOUNT },
        { Effect: "Allow", Principal: { Federated: "cognito-identity.amazonaws.com" }, Action: "sts:AssumeRole" },
      ],
    })) + inlinePolicy("federated_too", sendPolicy(ACCOUNT)),
    rules: ["unexpected-trust-principal"],
  },
  {
    label: "cross_account_plain",
    hcl: role("cross_account_plain", trust({ AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` })),
    rules: ["cross-account-trust"],
  },
  {
    label: "trust_anyone",
    hcl: role("trust_anyone", trust({ AWS: "*" })),
    rules: ["wildcard-principal"],
  },
  {
    label: "source_like_anything",
    hcl: role("source_like_anything", trust(PINPOINT, { StringLike: { "aws:SourceAccount": "*" } })) +
      inlinePolicy("source_like_anything", sendPolicy(ACCOUNT)),
    rules: ["service-trust-without-source"],
  },
  {
    label: "source_not_null",
    hcl: role("source_not_null", trust(PINPOINT, { Null: { "aws:SourceAccount": "false" } })) +
      inlinePolicy("source_not_null", sendPolicy(ACCOUNT)),
    rules: ["service-trust-without-source"],
  },
  {
    label: "source_any_account",
    hcl: role("source_any_account", trust(PINPOINT, { ArnLike: { "aws:SourceArn": "arn:aws:mobiletargeting:us-east-1:*:apps/*" } })) +
      inlinePolicy("source_any_account", sendPolicy(ACCOUNT)),
    rules: ["service-trust-without-source"],
  },
];

const CORRECT = [...CONSTRUCT_ROLES.map((item) => item.id), ...HCL_ROLES.filter((item) => item.rules.length === 0).map((item) => item.label)];

let aws: EmulatedAccount;
let workdir: TerraformWorkdir;
let plan: PlanJson;
let review: Review;
let constructAddresses: Map<string, { role: string; policy: string }>;

beforeAll(async () => {
  aws = await EmulatedAccount.open(ACCOUNT);
  // The app stack's provider block (the HCL roles use the same provider): a fork of the run's one init.
  workdir = await initialisedWorkdir("review-sources");
  const stack = plannedRolesStack(CONSTRUCT_ROLES);
  constructAddresses = stack.addresses;
  workdir.write("cdk.tf.json", stack.stackJson);
  workdir.write("roles.tf", HCL_ROLES.map((item) => item.hcl).join("\n"));
  plan = await workdir.plan(testEnv(aws.env));
  review = await reviewPlan(parsePlan(JSON.stringify(plan), "plan.json"));
});

afterAll(async () => {
  workdir?.remove();
});

/** The result for a hand-written role's label or a construct's id. */
function resultOf(label: string): RoleResult {
  const address = constructAddresses.get(label)?.role ?? `aws_iam_role.${label}`;
  const result = review.roles.find((candidate) => candidate.role.address === address);
  if (!result) throw new Error(`${address} is not in the review`);
  return result;
}
const rulesOf = (label: string) => [...new Set(resultOf(label).findings.map((item) => item.rule))].sort();

describe("a dangerous role never passes with 0 findings", () => {
  it.each(HCL_ROLES.filter((item) => item.rules.length > 0))("$label: $rules", ({ label, rules }) => {
    expect(rulesOf(label)).toEqual(expect.arrayContaining([...rules]));
    expect(resultOf(label).findings.length).toBeGreaterThan(0);
  });
});

describe("no false alarm", () => {
  it.each(CORRECT)("%s has no finding", (label) => {
    expect(resultOf(label).findings).toEqual([]);
  });

  it("simulates every correct Pinpoint role with every case as expected, the construct's in its own Region", () => {
    const pinpoint = CORRECT.map(resultOf).filter((result) => result.pinpoint);
    expect(pinpoint).toHaveLength(5);
    for (const result of pinpoint) {
      expect(result.simulation).toMatchObject({ ran: true });
      const outcomes = result.simulation?.ran ? result.simulation.outcomes : [];
      expect(outcomes.filter((outcome) => !outcome.passed).map((outcome) => outcome.case.title)).toEqual([]);
    }
    // The plan places the role by its provider (us-east-1); it sends where its SES identities are.
    expect(resultOf("every_option").role.facts).toMatchObject({ region: "us-east-1", account: ACCOUNT, partition: "aws" });
    expect(resultOf("every_option").simulation).toMatchObject({ ran: true, scope: { region: "eu-west-1" } });
  });

  it("passes --fail-on=warning on a plan of the correct roles only", async () => {
    const correct = (address: string) => {
      const name = address.split(".")[1];
      return name === "send_policy" || CORRECT.some((label) => name === label || name.startsWith(`${label}_`));
    };
    const file = path.join(workdir.dir, "correct.json");
    fs.writeFileSync(file, JSON.stringify({ ...plan, resource_changes: (plan.resource_changes ?? []).filter((change) => correct(change.address)) }));
    let stderr = "";
    expect(await main([file, "--fail-on=warning"], () => undefined, (text) => (stderr += text))).toBe(0);
    expect(stderr).toBe("");
  });

  it("fails --fail-on=warning on the whole plan", async () => {
    const file = path.join(workdir.dir, "all.json");
    fs.writeFileSync(file, JSON.stringify(plan));
    expect(await main([file, "--fail-on=warning"], () => undefined, () => undefined)).toBe(1);
  });
});

describe("permission sources", () => {
  it("links an attachment whose policy_arn is known only after apply to the aws_iam_policy it refers to", () => {
    const policies = resultOf("managed_send").role.policies.map((policy) => [policy.kind, policy.address, policy.attachedBy, policy.after.state]);
    expect(policies).toEqual([["managed", "aws_iam_policy.send_policy", "aws_iam_role_policy_attachment.managed_send", "known"]]);
  });

  it("reads the documents of customer managed policies of the plan into the findings, at the policy's address", () => {
    expect(resultOf("attached_star").findings.filter((item) => item.rule === "all-actions").map((item) => item.address))
      .toEqual(["aws_iam_policy.star"]);
  });

  it("recognises AWS managed policies by name, from either attachment resource, managed_policy_arns and an exclusive list", () => {
    const names = (label: string) => resultOf(label).role.awsManagedPolicies.map((policy) => [policy.name, policy.attachedBy]);
    expect(names("admin_by_arn")).toEqual([["AdministratorAccess", "aws_iam_role_policy_attachment.admin_by_arn"]]);
    expect(names("admin_in_role_argument")).toEqual([["AdministratorAccess", "aws_iam_role.admin_in_role_argument managed_policy_arns"]]);
    expect(names("exclusive_keeps_admin")).toEqual([["AdministratorAccess", "aws_iam_role_policy_attachments_exclusive.exclusive_keeps_admin"]]);
    expect(names("full_access").map(([name]) => name)).toEqual(["IAMFullAccess", "AmazonSESFullAccess"]);
    expect(names("shared_attachment")).toEqual([["AdministratorAccess", "aws_iam_policy_attachment.shared_attachment"]]);
  });

  it("lists an AWS managed policy it does not judge on a role of another service, without a finding", () => {
    expect(resultOf("lambda_worker").role.managedPolicyArns).toEqual([AWS_POLICY("service-role/AWSLambdaBasicExecutionRole")]);
  });

  it.each([
    { label: "unseen_customer_policy", address: "aws_iam_role_policy_attachment.unseen_customer_policy", says: /policy\/team\/outside-the-plan, which is not in this plan/ },
    { label: "exclusive_keeps_admin", address: "aws_iam_role_policy_attachments_exclusive.exclusive_keeps_admin", says: /policy\/outside-the-plan, which is not in this plan/ },
    { label: "partly_unknown_blocks", address: 'aws_iam_role.partly_unknown_blocks inline_policy "pending"', says: /document of policy pending is known only after apply/ },
    { label: "unknown_document", address: "aws_iam_policy.pending", says: /document of policy pending is known only after apply/ },
    { label: "role_argument_reference", address: "aws_iam_role.role_argument_reference managed_policy_arns", says: /aws_iam_policy\.s3_everything.*an ARN written literally/ },
    { label: "exclusive_names", address: "aws_iam_role_policies_exclusive.exclusive_names", says: /keeps inline policy "legacy", which is not in this plan/ },
  ])("names what it cannot read: $address", ({ label, address, says }) => {
    const notReviewable = resultOf(label).findings.filter((item) => item.rule === "not-reviewable");
    expect(notReviewable).toContainEqual(expect.objectContaining({ address, severity: "warning", message: expect.stringMatching(says) }));
  });

  it("reviews a customer managed policy outside the plan whose document is given (--policy ARN=FILE), instead of calling it not seen", async () => {
    const arn = `arn:aws:iam::${ACCOUNT}:policy/team/outside-the-plan`;
    const withDocument = await reviewPlan(parsePlan(JSON.stringify(plan), "plan.json"),
      { policies: new Map([[arn, JSON.parse(allow("s3:GetObject", "*"))]]) });
    const result = withDocument.roles.find((candidate) => candidate.role.address === "aws_iam_role.unseen_customer_policy");
    // Named by the address that brings it, with the ARN and what read it as evidence.
    expect(result?.findings.map((item) => [item.rule, item.address])).toEqual([["pinpoint-beyond-sending", "aws_iam_role_policy_attachment.unseen_customer_policy"]]);
    expect(result?.findings[0].evidence).toMatch(new RegExp(`^policy ${arn} \\(read by --policy, attached by aws_iam_role_policy_attachment\\.unseen_customer_policy\\) statement 1: `));
    expect(result?.role.policies.map((policy) => [policy.kind, policy.name, policy.attachedBy, policy.arn])).toContainEqual(
      ["managed", "outside-the-plan", "aws_iam_role_policy_attachment.unseen_customer_policy", arn]);
  });

  it("says what an exclusive list removes at apply, and still reviews it", () => {
    expect(resultOf("exclusive_removes").role.removedByExclusive).toEqual(["dropped"]);
    expect(resultOf("exclusive_removes").findings.map((item) => item.address)).toEqual(["aws_iam_role_policy.exclusive_removes_dropped"]);
    expect(resultOf("managed_send").role.removedByExclusive).toEqual([]);
  });

  it("reads the known inline_policy block of a role whose other block is partly unknown", () => {
    const known = resultOf("partly_unknown_blocks").role.policies.find((policy) => policy.name === "known");
    expect(known?.after.state).toBe("known");
    expect(resultOf("partly_unknown_blocks").findings.find((item) => item.rule === "service-wildcard")?.address)
      .toBe('aws_iam_role.partly_unknown_blocks inline_policy "known"');
  });

  it("reviews the policies a managed_policy_arns known only after apply refers to", () => {
    expect(resultOf("role_argument_reference").findings.find((item) => item.rule === "service-wildcard")?.address)
      .toBe("aws_iam_policy.s3_everything");
  });
});

describe("rule evidence", () => {
  it("names the extra actions and resources of a Pinpoint role's policy", () => {
    expect(resultOf("extra_actions").findings.map((item) => item.message)).toContainEqual(
      "the Pinpoint sending role's policy permissions allows s3:GetObject, sns:Publish; applies to *, not an SES identity or configuration set");
    expect(resultOf("other_account_identity").findings.map((item) => item.message)).toContainEqual(
      `the Pinpoint sending role's policy permissions sends through arn:aws:ses:us-east-1:${OTHER_ACCOUNT}:identity/*, ` +
      `outside partition aws and account ${ACCOUNT} where the plan places the role`);
  });

  it("names the other principals of a service role's trust", () => {
    expect(resultOf("second_trust_statement").findings.find((item) => item.rule === "unexpected-trust-principal")).toMatchObject({
      severity: "error",
      message: `the Pinpoint sending role may also be assumed by AWS arn:aws:iam::${OTHER_ACCOUNT}:root`,
      evidence: `trust policy statement 2: Allow to AWS arn:aws:iam::${OTHER_ACCOUNT}:root sts:AssumeRole`,
    });
  });
});
