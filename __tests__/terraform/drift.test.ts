/**
 * Drift: the trust policy and the inline policy are changed, and a second
 * inline policy is added, outside Terraform. The plan must show exactly the
 * repair, and applying it must restore the seed's documents. The stray
 * policy is removed only with `exclusiveInlinePolicy`.
 */
import {
  documentsOf,
  expectNoChanges,
  expectOnlyRecordedActions,
  initialisedWorkdir,
  onlyRole,
  plannedActions,
  Scenario,
  seedDocuments,
} from "../support/lifecycle";
import { OBSERVED_ACTIONS } from "../../deployer/observed-actions";
import { constructStackJson } from "../support/synth";
import { PlanJson, resourceChange, TerraformWorkdir } from "../support/terraform";

const ACCOUNT = "345678901234";
const AT = { partition: "aws", region: "us-east-1", account: ACCOUNT };
const POLICY = "PinpointUsesSESForEmailSends";
const STRAY = "AddedInTheConsole";

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

let base: TerraformWorkdir;

beforeAll(async () => {
  base = await initialisedWorkdir("drift");
});

afterAll(() => base?.remove());

/**
 * Applies the stack, makes the three changes out of band (two straight in
 * the endpoint's state, the stray through its PutRolePolicy, as the console
 * would), plans, and applies that plan.
 */
async function driftAndRepair(scenario: Scenario, exclusiveInlinePolicy: boolean): Promise<PlanJson> {
  scenario.use(constructStackJson({ exclusiveInlinePolicy }));
  await scenario.apply();
  const role = onlyRole(scenario.endpoint);
  role.assumeRolePolicy = JSON.stringify(DRIFTED_TRUST);
  role.policies.set(POLICY, JSON.stringify(DRIFTED_PERMISSIONS));
  scenario.endpoint.invoke("iam", "PutRolePolicy",
    { RoleName: role.name, PolicyName: STRAY, PolicyDocument: JSON.stringify(STRAY_POLICY) });
  const plan = await scenario.plan();
  await scenario.step("repair", (s) => s.apply({ savedPlan: true }));
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

const expectedRepair = {
  trust: { before: DRIFTED_TRUST, after: seedDocuments(AT).trust },
  permissions: { before: DRIFTED_PERMISSIONS, after: seedDocuments(AT).policies[POLICY] },
};

describe("drift of a role with exclusiveInlinePolicy", () => {
  let scenario: Scenario;
  let plan: PlanJson;

  beforeAll(async () => {
    scenario = await Scenario.start(base, "drift-exclusive", ACCOUNT);
    plan = await driftAndRepair(scenario, true);
  });

  afterAll(() => scenario?.stop());

  it("plans exactly the repair: an update of the trust policy, of the inline policy and of the policy list", () => {
    expect(plannedActions(plan)).toEqual({
      aws_iam_role: ["update"],
      aws_iam_role_policy: ["update"],
      aws_iam_role_policies_exclusive: ["update"],
    });
    expect(repairedDocuments(plan)).toEqual(expectedRepair);
    const list = resourceChange(plan, "aws_iam_role_policies_exclusive").change;
    expect([...list.before.policy_names].sort()).toEqual([STRAY, POLICY].sort());
    expect(list.after.policy_names).toEqual([POLICY]);
  });

  it("restores the seed's documents and removes the stray policy", () => {
    expect(documentsOf(onlyRole(scenario.endpoint))).toEqual(seedDocuments(AT));
    expect(scenario.actions.repair).toEqual(expect.arrayContaining([...OBSERVED_ACTIONS.exclusive]));
  });

  it("re-plans with no changes", () => expectNoChanges(scenario));

  it("sent only recorded actions", () => expectOnlyRecordedActions(scenario.endpoint));
});

describe("drift of a role without exclusiveInlinePolicy", () => {
  let scenario: Scenario;
  let plan: PlanJson;

  beforeAll(async () => {
    scenario = await Scenario.start(base, "drift-shared", ACCOUNT);
    plan = await driftAndRepair(scenario, false);
  });

  afterAll(() => scenario?.stop());

  it("plans exactly the repair of the trust policy and of the inline policy, and nothing for the stray", () => {
    expect(plannedActions(plan)).toEqual({ aws_iam_role: ["update"], aws_iam_role_policy: ["update"] });
    expect(repairedDocuments(plan)).toEqual(expectedRepair);
  });

  it("restores the seed's documents and leaves the stray policy alone", () => {
    const { trust, policies } = seedDocuments(AT);
    expect(documentsOf(onlyRole(scenario.endpoint))).toEqual({ trust, policies: { ...policies, [STRAY]: STRAY_POLICY } });
    expect(scenario.actions.repair).not.toContain("iam:DeleteRolePolicy");
  });

  it("re-plans with no changes, the stray policy still there", () => expectNoChanges(scenario));

  it("sent only recorded actions", () => expectOnlyRecordedActions(scenario.endpoint));
});
