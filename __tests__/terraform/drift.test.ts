/**
 * Drift: the trust policy and the inline policy are changed, two more inline
 * policies are added and a managed policy attached, outside Terraform. The
 * plan must show exactly the repair, and applying it must restore the seed's
 * documents. The strays are removed only with `exclusiveInlinePolicy`. Either
 * way `terraform destroy` then succeeds (`force_detach_policies`), where IAM
 * would otherwise answer DeleteConflict. Both roles, with and without the
 * option, are one configuration: one apply, one plan, one repair, one destroy.
 */
import {
  documentsOf,
  expectNoChangesIn,
  initialisedWorkdir,
  plannedActions,
  Scenario,
  seedDocuments,
} from "../support/lifecycle";
import { RoleView } from "../support/iam-client";
import { constructsStackJson } from "../support/synth";
import { PlanJson, resourceChange, RunResult, TerraformWorkdir } from "../support/terraform";

const POLICY = "PinpointUsesSESForEmailSends";
const STRAY = "AddedInTheConsole";
/** A second stray: the role has three inline policies. */
const SECOND_STRAY = "AlsoAddedInTheConsole";

/** Someone dropped the `aws:SourceAccount` condition: any account's Pinpoint could use the role. */
const DRIFTED_TRUST = {
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "pinpoint.amazonaws.com" }, Action: "sts:AssumeRole" }],
};
/** Someone widened the sending policy to every SES action and resource. */
const DRIFTED_PERMISSIONS = {
  Version: "2012-10-17",
  Statement: [{ Sid: POLICY, Effect: "Allow", Action: "ses:*", Resource: "*" }],
};
const STRAY_POLICY = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] };
const attachedIn = (account: string) => `arn:aws:iam::${account}:policy/AttachedInTheConsole`;
const at = (scenario: Scenario) => ({ partition: "aws", region: "us-east-1", account: scenario.account });

/** The two roles, by construct id. */
const ROLES = {
  exclusive: { roleName: "drifted-exclusive", exclusiveInlinePolicy: true },
  shared: { roleName: "drifted-shared", exclusiveInlinePolicy: false },
} as const;
type Construct = keyof typeof ROLES;

let base: TerraformWorkdir;
let scenario: Scenario;
let plan: PlanJson;
let replan: RunResult;
const repaired: { [id: string]: RoleView } = {};

/**
 * Applies both roles, makes the four changes to each out of band through the
 * IAM API, as the console would, plans, applies that plan, and re-plans.
 */
beforeAll(async () => {
  base = await initialisedWorkdir("drift");
  scenario = await Scenario.start(base, "drift");
  scenario.use(constructsStackJson(ROLES));
  await scenario.apply();
  await scenario.iam.call("CreatePolicy", { PolicyName: "AttachedInTheConsole", PolicyDocument: JSON.stringify(STRAY_POLICY) });
  for (const { roleName } of Object.values(ROLES)) {
    const put = (policyName: string, document: object) =>
      scenario.iam.call("PutRolePolicy", { RoleName: roleName, PolicyName: policyName, PolicyDocument: JSON.stringify(document) });
    await scenario.iam.call("UpdateAssumeRolePolicy", { RoleName: roleName, PolicyDocument: JSON.stringify(DRIFTED_TRUST) });
    await put(POLICY, DRIFTED_PERMISSIONS);
    await put(STRAY, STRAY_POLICY);
    await put(SECOND_STRAY, STRAY_POLICY);
    await scenario.iam.call("AttachRolePolicy", { RoleName: roleName, PolicyArn: attachedIn(scenario.account) });
  }
  plan = await scenario.plan();
  await scenario.apply({ savedPlan: true });
  for (const [id, { roleName }] of Object.entries(ROLES)) repaired[id] = (await scenario.iam.role(roleName)) as RoleView;
  replan = await scenario.workdir.planExitCode(scenario.env);
});

afterAll(async () => {
  await scenario?.stop();
  base?.remove();
});

/** The plan's before and after of a role's trust policy and inline policy, parsed. */
function repairedDocuments(construct: Construct) {
  const role = resourceChange(plan, "aws_iam_role", construct).change;
  const policy = resourceChange(plan, "aws_iam_role_policy", construct).change;
  return {
    trust: { before: JSON.parse(role.before.assume_role_policy), after: JSON.parse(role.after.assume_role_policy) },
    permissions: { before: JSON.parse(policy.before.policy), after: JSON.parse(policy.after.policy) },
  };
}

const expectedRepair = () => ({
  trust: { before: DRIFTED_TRUST, after: seedDocuments(at(scenario)).trust },
  permissions: { before: DRIFTED_PERMISSIONS, after: seedDocuments(at(scenario)).policies[POLICY] },
});

describe("drift of a role with exclusiveInlinePolicy", () => {
  it("plans exactly the repair: an update of the trust policy, of the inline policy and of the policy list", () => {
    expect(plannedActions(plan, "exclusive")).toEqual({
      aws_iam_role: ["update"],
      aws_iam_role_policy: ["update"],
      aws_iam_role_policies_exclusive: ["update"],
    });
    expect(repairedDocuments("exclusive")).toEqual(expectedRepair());
    const list = resourceChange(plan, "aws_iam_role_policies_exclusive", "exclusive").change;
    expect([...list.before.policy_names].sort()).toEqual([STRAY, SECOND_STRAY, POLICY].sort());
    expect(list.after.policy_names).toEqual([POLICY]);
  });

  it("restores the seed's documents and removes the stray policies", () => {
    expect(documentsOf(repaired.exclusive)).toEqual(seedDocuments(at(scenario)));
  });
});

describe("drift of a role without exclusiveInlinePolicy", () => {
  it("plans exactly the repair of the trust policy and of the inline policy, and nothing for the strays", () => {
    expect(plannedActions(plan, "shared")).toEqual({ aws_iam_role: ["update"], aws_iam_role_policy: ["update"] });
    expect(repairedDocuments("shared")).toEqual(expectedRepair());
  });

  it("restores the seed's documents and leaves the stray policies alone", () => {
    const { trust, policies } = seedDocuments(at(scenario));
    expect(documentsOf(repaired.shared)).toEqual({ trust, policies: { ...policies, [STRAY]: STRAY_POLICY, [SECOND_STRAY]: STRAY_POLICY } });
  });
});

describe("after the repair", () => {
  it("re-plans with no changes, the shared role's strays still there", () => expectNoChangesIn(replan));

  it("keeps the managed policy attached to both roles: it is not the construct's", () => {
    expect(Object.values(repaired).map((role) => role.attachedPolicies)).toEqual([[attachedIn(scenario.account)], [attachedIn(scenario.account)]]);
  });

  describe("then destroy", () => {
    beforeAll(() => scenario.workdir.destroy(scenario.env));

    it("detaches the managed policy, deletes both roles and leaves the policy itself", async () => {
      expect(await scenario.iam.roles()).toEqual([]);
      expect(await scenario.iam.list("ListPolicies", { Scope: "Local" }, "Arn")).toEqual([attachedIn(scenario.account)]);
    });
  });
});
