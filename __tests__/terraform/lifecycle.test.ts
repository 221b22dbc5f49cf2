/**
 * The life of the default stack's role through Terraform state, with the real
 * AWS provider against moto: apply, re-plan without changes, destroy. State
 * and IAM must agree at every step. (Updates in place are in update.test.ts;
 * the provider's exact calls in provider-calls.test.ts; this file is also the
 * cdktn suite's one lifecycle.)
 */
import { documentsOf, expectNoChanges, initialisedWorkdir, readOnlyRole, Scenario, seedDocuments } from "../support/lifecycle";
import { appStackJson } from "../support/synth";
import { StateJson, TerraformWorkdir } from "../support/terraform";

let base: TerraformWorkdir;

beforeAll(async () => {
  base = await initialisedWorkdir("lifecycle");
});

afterAll(() => base?.remove());

describe("apply of the default stack", () => {
  let scenario: Scenario;
  let state: StateJson;

  beforeAll(async () => {
    scenario = await Scenario.start(base, "apply");
    scenario.use(appStackJson());
    await scenario.apply();
    state = await scenario.workdir.state();
  });

  afterAll(() => scenario?.stop());

  it("keeps one role and its inline policy in Terraform state, matching the role IAM holds", async () => {
    const { aws_iam_role: roles, aws_iam_role_policy: policies, ...others } = await scenario.resources();
    const role = await readOnlyRole(scenario);
    expect(others).toEqual({});
    expect(roles).toHaveLength(1);
    expect(policies).toHaveLength(1);
    expect(roles[0]).toMatchObject({ name: role.name, arn: role.arn, unique_id: role.id, path: "/" });
    expect(policies[0]).toMatchObject({ role: role.name, name: "PinpointUsesSESForEmailSends" });
  });

  it("creates exactly the seed's trust and permissions policies, with partition, Region and account filled in", async () => {
    expect(documentsOf(await readOnlyRole(scenario))).toEqual(seedDocuments({ partition: "aws", region: "us-east-1", account: scenario.account }));
  });

  it("names the role from the prefix, with an IAM role id and ARN, and outputs that ARN", async () => {
    const role = await readOnlyRole(scenario);
    expect(role.name).toMatch(/^pinpoint-ses-sending-\w{26}$/);
    expect(role.id).toMatch(/^AROA[A-Z2-7]{17}$/);
    expect(role.arn).toBe(`arn:aws:iam::${scenario.account}:role/${role.name}`);
    expect(state.outputs.role_arn.value).toBe(role.arn);
    expect(state.outputs.role_name.value).toBe(role.name);
  });

  it("re-plans with no changes", () => expectNoChanges(scenario));

  describe("then destroy", () => {
    beforeAll(() => scenario.workdir.destroy(scenario.env));

    it("leaves no resource and no output in Terraform state", async () => {
      const after = await scenario.workdir.state();
      expect(after.resources).toEqual([]);
      expect(after.outputs).toEqual({});
    });

    it("leaves no role in the account", async () => {
      expect(await scenario.iam.roles()).toEqual([]);
    });
  });
});
