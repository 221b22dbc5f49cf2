/**
 * Drift: the trust policy and the inline policy are changed, a second
 * inline policy is added and a managed policy attached, outside Terraform.
 * The plan must show exactly the repair, and applying it must restore the
 * seed's documents. The stray policy is removed only with
 * `exclusiveInlinePolicy`. Either way `terraform destroy` then succeeds
 * (`force_detach_policies`), where IAM would otherwise answer DeleteConflict.
 */
import {
  documentsOf,
  expectNoChanges,
  initialisedWorkdir,
  plannedActions,
  readOnlyRole,
  Scenario,
  seedDocuments,
} from "../support/lifecycle";
import { constructStackJson } from "../support/synth";
import { PlanJson, resourceChange, TerraformWorkdir } from "../support/terraform";

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

let base: TerraformWorkdir;

beforeAll(async () => {
  base = await initialisedWorkdir("drift");
});

afterAll(() => base?.remove());

/**
 * Applies the stack, makes the four changes out of band through the IAM API,
 * as the console would, plans, and applies that plan.
 */
async function driftAndRepair(scenario: Scenario, exclusiveInlinePolicy: boolean): Promise<PlanJson> {
  scenario.use(constructStackJson({ exclusiveInlinePolicy }));
  await scenario.apply();
  const { name } = await readOnlyRole(scenario);
  const put = (policyName: string, document: object) =>
    scenario.iam.call("PutRolePolicy", { RoleName: name, PolicyName: policyName, PolicyDocument: JSON.stringify(document) });
  await scenario.iam.call("UpdateAssumeRolePolicy", { RoleName: name, PolicyDocument: JSON.stringify(DRIFTED_TRUST) });
  await put(POLICY, DRIFTED_PERMISSIONS);
  await put(STRAY, STRAY_POLICY);
  await put(SECOND_STRAY, STRAY_POLICY);
  await scenario.iam.call("CreatePolicy", { PolicyName: "AttachedInTheConsole", PolicyDocument: JSON.stringify(STRAY_POLICY) });
  await scenario.iam.call("AttachRolePolicy", { RoleName: name, PolicyArn: attachedIn(scenario.account) });
  const plan = await scenario.plan();
  await scenario.apply({ savedPlan: true });
  return plan;
}

/** The plan's before and after of the trust policy and of the inline policy, parsed. */
function repairedDocuments(plan: PlanJson) {
  const role = resourceChange(plan, "aws_iam_role").change;
  const policy = resourceChange(plan, "aws_iam_role_policy").change;
  return {
    trust: { before: JSON.parse(role.before.assume_role_policy), after: JSON.parse(role.after.assume_role_policy) },
    permissions: { before: JSON.parse(policy.before.policy), after: JSON.parse(policy.after.policy) },
  };
}

const expectedRepair = (scenario: Scenario) => ({
  trust: { before: DRIFTED_TRUST, after: seedDocuments(at(scenario)).trust },
  permissions: { before: DRIFTED_PERMISSIONS, after: seedDocuments(at(scenario)).policies[POLICY] },
});

describe("drift of a role with exclusiveInlinePolicy", () => {
  let scenario: Scenario;
  let plan: PlanJson;

  beforeAll(async () => {
    scenario = await Scenario.start(base, "drift-exclusive");
    plan = await driftAndRepair(scenario, true);
  });

  afterAll(() => scenario?.stop());

  it("plans exactly the repair: an update of the trust policy, of the inline policy and of the policy list", () => {
    expect(plannedActions(plan)).toEqual({
      aws_iam_role: ["update"],
      aws_iam_role_policy: ["update"],
      aws_iam_role_policies_exclusive: ["update"],
    });
    expect(repairedDocuments(plan)).toEqual(expectedRepair(scenario));
    const list = resourceChange(plan, "aws_iam_role_policies_exclusive").change;
    expect([...list.before.policy_names].sort()).toEqual([STRAY, SECOND_STRAY, POLICY].sort());
    expect(list.after.policy_names).toEqual([POLICY]);
  });

  it("restores the seed's documents and removes the stray policy", async () => {
    expect(documentsOf(await readOnlyRole(scenario))).toEqual(seedDocuments(at(scenario)));
  });

  it("re-plans with no changes", () => expectNoChanges(scenario));

  describe("then destroy", () => destroyDespiteOutOfBandPolicies(() => scenario));
});

describe("drift of a role without exclusiveInlinePolicy", () => {
  let scenario: Scenario;
  let plan: PlanJson;

  beforeAll(async () => {
    scenario = await Scenario.start(base, "drift-shared");
    plan = await driftAndRepair(scenario, false);
  });

  afterAll(() => scenario?.stop());

  it("plans exactly the repair of the trust policy and of the inline policy, and nothing for the stray", () => {
    expect(plannedActions(plan)).toEqual({ aws_iam_role: ["update"], aws_iam_role_policy: ["update"] });
    expect(repairedDocuments(plan)).toEqual(expectedRepair(scenario));
  });

  it("restores the seed's documents and leaves the stray policy alone", async () => {
    const { trust, policies } = seedDocuments(at(scenario));
    expect(documentsOf(await readOnlyRole(scenario))).toEqual({ trust, policies: { ...policies, [STRAY]: STRAY_POLICY, [SECOND_STRAY]: STRAY_POLICY } });
  });

  it("re-plans with no changes, the stray policy still there", () => expectNoChanges(scenario));

  describe("then destroy", () => destroyDespiteOutOfBandPolicies(() => scenario));
});

/** The destroy of a drifted role that still has a managed policy attached (and maybe the stray inline one). */
function destroyDespiteOutOfBandPolicies(scenario: () => Scenario): void {
  beforeAll(() => scenario().workdir.destroy(scenario().env));

  it("detaches the managed policy, deletes the role and leaves the policy itself", async () => {
    expect(await scenario().iam.roles()).toEqual([]);
    expect(await scenario().iam.list("ListPolicies", { Scope: "Local" }, "Arn")).toEqual([attachedIn(scenario().account)]);
  });
}
