/**
 * The review on hand-built plans: the shapes of policy Terraform plans do not
 * show by themselves, and roles the review can only partly see.
 */
import { renderMarkdown } from "../../review/markdown";
import { parsePlan } from "../../review/plan";
import { parsePolicy, statementLine } from "../../review/policy";
import { reviewPlan } from "../../review/review";
import { handBuiltPlan, HandBuiltChange, role, rolePolicy, unknownRolePolicy } from "../support/hand-built-plans";

const ACCOUNT = "456789012345";
const SEND = {
  Effect: "Allow",
  Action: ["ses:SendEmail", "ses:SendRawEmail"],
  Resource: `arn:aws:ses:eu-west-1:${ACCOUNT}:identity/*`,
};
const PINPOINT_TRUST = {
  Version: "2012-10-17",
  Statement: [{
    Effect: "Allow",
    Principal: { Service: "pinpoint.amazonaws.com" },
    Action: "sts:AssumeRole",
    Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
  }],
};

/** A role that only its own account may assume: no finding of its own. */
const ACCOUNT_ROLE = role("aws_iam_role.r", {
  name: "r",
  trust: { Statement: [{ Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCOUNT}:root` }, Action: "sts:AssumeRole" }] },
});

function review(changes: HandBuiltChange[], options = {}) {
  return reviewPlan(parsePlan(JSON.stringify(handBuiltPlan(changes)), "plan.json"), options);
}

describe("policy shapes", () => {
  it.each([
    { shape: "JSON text with a Statement array", document: JSON.stringify({ Version: "2012-10-17", Statement: [SEND] }) },
    { shape: "an object with a Statement array", document: { Version: "2012-10-17", Statement: [SEND] } },
    { shape: "JSON text with a single Statement object", document: JSON.stringify({ Version: "2012-10-17", Statement: SEND }) },
    { shape: "an object with a single Statement object", document: { Version: "2012-10-17", Statement: SEND } },
  ])("reads a policy given as $shape into the same statement", ({ document }) => {
    expect(parsePolicy(document).statements).toEqual([{
      effect: "Allow",
      action: ["ses:SendEmail", "ses:SendRawEmail"],
      resource: [`arn:aws:ses:eu-west-1:${ACCOUNT}:identity/*`],
      conditions: [],
      sid: undefined,
      principal: undefined,
      notPrincipal: undefined,
      notAction: undefined,
      notResource: undefined,
    }]);
  });

  it("simulates a Pinpoint role whose documents are objects and single statements as one whose documents are JSON text", async () => {
    const asText = await review([
      role("aws_iam_role.text", { name: "text", trust: JSON.stringify(PINPOINT_TRUST) }),
      rolePolicy("aws_iam_role_policy.text", "text", JSON.stringify({ Version: "2012-10-17", Statement: [SEND] })),
    ], { facts: { region: "eu-west-1", account: ACCOUNT } });
    const asObjects = await review([
      role("aws_iam_role.objects", { name: "objects", trust: { ...PINPOINT_TRUST, Statement: PINPOINT_TRUST.Statement[0] } }),
      rolePolicy("aws_iam_role_policy.objects", "objects", { Version: "2012-10-17", Statement: SEND }),
    ], { facts: { region: "eu-west-1", account: ACCOUNT } });
    const verdicts = (result: typeof asText) => result.roles[0].simulation?.ran
      ? result.roles[0].simulation.outcomes.map((outcome) => [outcome.case.title, outcome.verdict, outcome.passed]) : [];
    expect(verdicts(asObjects)).toEqual(verdicts(asText));
    expect(verdicts(asText).length).toBeGreaterThan(0);
    expect(asText.findings).toEqual([]);
  });

  it("prints a statement as one readable line, with NotAction, NotResource and conditions in words", () => {
    const [statement] = parsePolicy({
      Statement: { Sid: "Odd", Effect: "Deny", NotAction: "ses:Send*", NotResource: ["arn:aws:ses:*:*:identity/a"], Condition: { Bool: { "aws:SecureTransport": false } } },
    }).statements;
    expect(statementLine(statement)).toBe("Deny every action except ses:Send* on every resource except " +
      "arn:aws:ses:*:*:identity/a when Bool aws:SecureTransport = false (Sid Odd)");
  });

  it.each([
    { problem: "an Effect that is neither Allow nor Deny", document: { Statement: [{ Effect: "Maybe", Action: "*" }] }, message: /Effect "Maybe"/ },
    { problem: "both Action and NotAction", document: { Statement: [{ Effect: "Allow", Action: "a:b", NotAction: "c:d" }] }, message: /exactly one of Action and NotAction/ },
    { problem: "an unknown element", document: { Statement: [{ Effect: "Allow", Action: "a:b", Actions: "c:d" }] }, message: /unknown element Actions/ },
    { problem: "no Statement", document: { Version: "2012-10-17" }, message: /has no Statement/ },
  ])("reports a policy with $problem as an unreadable-policy finding", async ({ document, message }) => {
    const { findings } = await review([
      ACCOUNT_ROLE,
      rolePolicy("aws_iam_role_policy.r", "r", document),
    ]);
    expect(findings).toEqual([expect.objectContaining({
      rule: "unreadable-policy", address: "aws_iam_role_policy.r", evidence: expect.stringMatching(message),
    })]);
  });
});

describe("NotAction and NotPrincipal", () => {
  it("reports an Allow with NotAction as allowing every action, with the statement as evidence", async () => {
    const { findings } = await review([
      ACCOUNT_ROLE,
      rolePolicy("aws_iam_role_policy.r", "r", { Statement: { Effect: "Allow", NotAction: "iam:*", Resource: `arn:aws:s3:::bucket/*` } }),
    ]);
    expect(findings.map((item) => [item.rule, item.evidence])).toEqual([
      ["all-actions", "policy permissions statement 1: Allow every action except iam:* on arn:aws:s3:::bucket/*"],
    ]);
  });

  it("reports a Deny with NotAction as nothing", async () => {
    const { findings } = await review([
      ACCOUNT_ROLE,
      rolePolicy("aws_iam_role_policy.r", "r", { Statement: [{ Effect: "Deny", NotAction: "s3:GetObject", Resource: "*" }] }),
    ]);
    expect(findings).toEqual([]);
  });

  it("reports a trust policy that allows everyone but a NotPrincipal as a wildcard principal", async () => {
    const { findings } = await review([role("aws_iam_role.r", {
      name: "r",
      trust: { Statement: [{ Effect: "Allow", NotPrincipal: { AWS: `arn:aws:iam::${ACCOUNT}:user/mallory` }, Action: "sts:AssumeRole" }] },
    })]);
    expect(findings.map((item) => [item.rule, item.evidence])).toEqual([[
      "wildcard-principal", `trust policy statement 1: Allow to anyone except AWS arn:aws:iam::${ACCOUNT}:user/mallory sts:AssumeRole`,
    ]]);
  });
});

describe("roles the review only partly sees", () => {
  it("reviews a role policy whose role is not in the plan under the role's name", async () => {
    const result = await review([rolePolicy("aws_iam_role_policy.elsewhere", "existing-role", { Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] })]);
    expect(result.roles.map((item) => [item.role.address, item.role.inPlan, item.findings.map((f) => f.rule)])).toEqual([
      ['role "existing-role" (not in this plan)', false, ["all-actions", "send-on-any-resource"]],
    ]);
  });

  it("does not simulate a Pinpoint role whose policy is known only after apply, and says why", async () => {
    const result = await review([
      role("aws_iam_role.later", { name: "later", trust: PINPOINT_TRUST }),
      unknownRolePolicy("aws_iam_role_policy.later", "later"),
    ], { facts: { region: "eu-west-1", account: ACCOUNT } });
    expect(result.roles[0].simulation).toEqual({ ran: false, reason: "policy permissions is unknown after the plan" });
    expect(renderMarkdown(result)).toContain("_Known after apply._");
  });

  it("asks for the partition, Region and account when neither the plan nor the options tell them", async () => {
    const result = await review([role("aws_iam_role.where", { name: "where", trust: PINPOINT_TRUST })]);
    expect(result.roles[0].simulation).toEqual({
      ran: false, reason: "the plan does not tell the role's partition, Region and account; pass --partition, --region or --account",
    });
  });

  it("never takes the account from the documents under review, and says which rules it could not check", async () => {
    const result = await review([role("aws_iam_role.where", { name: "where", trust: PINPOINT_TRUST })], { facts: { region: "eu-west-1" } });
    expect(result.roles[0].role.facts.account).toBeUndefined();
    expect(result.roles[0].simulation).toMatchObject({ ran: false, reason: expect.stringMatching(/does not tell the role's account/) });
    expect(result.roles[0].notes).toContainEqual(expect.stringMatching(
      /^The plan does not tell the role's account .*: cross-account-trust, foreign-source-account and foreign-resource were not checked/));
  });

  it("reports a permissions boundary given with --policy that blocks a send action as a simulation mismatch", async () => {
    const boundaryArn = `arn:aws:iam::${ACCOUNT}:policy/send-email-only`;
    const bounded = role("aws_iam_role.bounded", { name: "bounded", trust: PINPOINT_TRUST });
    bounded.change.after.permissions_boundary = boundaryArn;
    const changes = [bounded, rolePolicy("aws_iam_role_policy.bounded", "bounded", { Statement: [SEND] })];
    const options = { facts: { region: "eu-west-1", account: ACCOUNT } };
    const without = await review(changes, options);
    const withBoundary = await review(changes, {
      ...options,
      policies: new Map([[boundaryArn, { Statement: [{ Effect: "Allow", Action: "ses:SendEmail", Resource: "*" }] }]]),
    });
    expect(without.findings).toEqual([]);
    expect(renderMarkdown(without)).toContain(`The permissions boundary ${boundaryArn} is not simulated`);
    expect(withBoundary.findings.map((item) => item.message)).toEqual([
      "the role calls ses:SendRawEmail on identity example.com: expected Allowed, simulated Denied",
    ]);
  });
});

describe("roles in modules and roles being deleted", () => {
  it("pairs a policy with its role in a module through the configuration, when the name is known only after apply", async () => {
    const plan = handBuiltPlan([
      role("module.mail.aws_iam_role.sender", { trust: PINPOINT_TRUST }),
      role("module.mail.aws_iam_role.other", { trust: PINPOINT_TRUST }),
      unknownRolePolicy("module.mail.aws_iam_role_policy.send", "(unknown)"),
    ]);
    const policy = plan.resource_changes[2];
    policy.change.after.role = null;
    policy.change.after_unknown.role = true;
    const configuration = {
      root_module: {
        module_calls: {
          mail: {
            module: {
              resources: [{
                address: "aws_iam_role_policy.send",
                expressions: { role: { references: ["aws_iam_role.sender.name", "aws_iam_role.sender"] } },
              }],
            },
          },
        },
      },
    };
    const result = await reviewPlan(parsePlan(JSON.stringify({ ...plan, configuration }), "plan.json"));
    expect(result.roles.map((item) => [item.role.address, item.role.policies.map((p) => p.address)])).toEqual([
      ["module.mail.aws_iam_role.sender", ["module.mail.aws_iam_role_policy.send"]],
      ["module.mail.aws_iam_role.other", []],
    ]);
  });

  it("shows a deleted role with its documents as they were, and neither simulates nor judges it", async () => {
    const deleted = role("aws_iam_role.old", { name: "old", trust: { Statement: [{ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }] } });
    deleted.change.actions = ["delete"];
    deleted.change.before = deleted.change.after;
    deleted.change.after = null;
    const result = await review([deleted]);
    expect(result.roles.map((item) => [item.role.change, item.simulation, item.findings])).toEqual([["delete", undefined, []]]);
    const markdown = renderMarkdown(result);
    expect(markdown).toContain("## `aws_iam_role.old` — delete");
    expect(markdown).toContain("| Allow | `*` (anyone) | `sts:AssumeRole` | none |");
    expect(markdown).toContain("- Allow to * (anyone) sts:AssumeRole");
  });
});

describe("the Markdown report", () => {
  it("shows statements as readable lines and tables, never as raw JSON", async () => {
    const markdown = renderMarkdown(await review([
      role("aws_iam_role.r", { name: "r", trust: JSON.stringify(PINPOINT_TRUST) }),
      rolePolicy("aws_iam_role_policy.r", "r", JSON.stringify({ Version: "2012-10-17", Statement: [SEND] })),
    ], { facts: { region: "eu-west-1", account: ACCOUNT } }));
    expect(markdown).not.toMatch(/[{}]"|\\"/);
    expect(markdown).toContain("| Allow | Service `pinpoint.amazonaws.com` | `sts:AssumeRole` | StringEquals `aws:SourceAccount` = `456789012345` |");
    expect(markdown).toContain(`+ Allow ses:SendEmail, ses:SendRawEmail on arn:aws:ses:eu-west-1:${ACCOUNT}:identity/*`);
  });
});
