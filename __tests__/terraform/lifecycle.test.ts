/**
 * The life of the default stack's role through Terraform state, with the real
 * AWS provider against a local IAM endpoint: apply, re-plan without changes,
 * destroy. State and endpoint must agree at every step. (Updates in place
 * are in update.test.ts; this file is also the cdktn suite's one lifecycle.)
 */
import {
  documentsOf,
  expectNoChanges,
  initialisedWorkdir,
  itOnLocalEndpoint,
  LOCAL_ONLY,
  readOnlyRole,
  Scenario,
  seedDocuments,
} from "../support/lifecycle";
import { actionsOf } from "../../deployer/observed-actions";
import { appStackJson } from "../support/synth";
import { StateJson, TerraformWorkdir } from "../support/terraform";

const ACCOUNT = "210987654321";

let base: TerraformWorkdir;

beforeAll(async () => {
  base = await initialisedWorkdir("lifecycle");
});

afterAll(() => base?.remove());

describe("apply of the default stack", () => {
  const at = { partition: "aws", region: "us-east-1", account: ACCOUNT };
  let scenario: Scenario;
  let state: StateJson;

  beforeAll(async () => {
    scenario = await Scenario.start(base, "apply", ACCOUNT);
    // As IAM can be, the endpoint is slow to show the new role: its first two reads answer NoSuchEntity.
    scenario.local?.delayNewRoles(2);
    scenario.use(appStackJson());
    await scenario.step("apply", (s) => s.apply());
    state = await scenario.workdir.state();
  });

  afterAll(() => scenario?.stop());

  it("keeps one role and its inline policy in Terraform state, matching the endpoint's role", async () => {
    const { aws_iam_role: roles, aws_iam_role_policy: policies, ...others } = await scenario.resources();
    const role = await readOnlyRole(scenario);
    expect(others).toEqual({});
    expect(roles).toHaveLength(1);
    expect(policies).toHaveLength(1);
    expect(roles[0]).toMatchObject({ name: role.name, arn: role.arn, unique_id: role.id, path: "/" });
    expect(policies[0]).toMatchObject({ role: role.name, name: "PinpointUsesSESForEmailSends" });
  });

  it("creates exactly the seed's trust and permissions policies, with partition, Region and account filled in", async () => {
    expect(documentsOf(await readOnlyRole(scenario))).toEqual(seedDocuments(at));
  });

  it("names the role from the prefix, with an IAM role id and ARN, and outputs that ARN", async () => {
    const role = await readOnlyRole(scenario);
    expect(role.name).toMatch(/^pinpoint-ses-sending-\w{26}$/);
    expect(role.id).toMatch(/^AROA[A-Z2-7]{17}$/);
    expect(role.arn).toBe(`arn:aws:iam::${ACCOUNT}:role/${role.name}`);
    expect(state.outputs.role_arn.value).toBe(role.arn);
    expect(state.outputs.role_name.value).toBe(role.name);
  });

  itOnLocalEndpoint("retries reading the new role until IAM shows it", LOCAL_ONLY.faults, () => {
    const reads = scenario.endpoint.calls.filter((call) => call.action === "GetRole").map((call) => call.status);
    expect(reads.slice(0, 3)).toEqual([404, 404, 200]);
  });

  itOnLocalEndpoint("sends the recorded actions of a create", LOCAL_ONLY.recording, () => {
    expect(scenario.actions.apply).toEqual(actionsOf("plan", "read", "create"));
  });

  it("re-plans with no changes", () => scenario.step("re-plan", expectNoChanges));

  itOnLocalEndpoint("sends only the recorded read actions when it re-plans", LOCAL_ONLY.recording, () => {
    expect(scenario.actions["re-plan"]).toEqual(actionsOf("plan", "read"));
  });

  describe("then destroy", () => {
    beforeAll(() => scenario.step("destroy", (s) => s.workdir.destroy(s.env)));

    it("leaves no resource and no output in Terraform state", async () => {
      const after = await scenario.workdir.state();
      expect(after.resources).toEqual([]);
      expect(after.outputs).toEqual({});
    });

    it("leaves no role on the endpoint", async () => {
      expect(await scenario.iam.roles()).toEqual([]);
    });

    itOnLocalEndpoint("sends the recorded actions of a destroy", LOCAL_ONLY.recording, () => {
      expect(scenario.actions.destroy).toEqual(actionsOf("plan", "read", "destroy"));
    });
  });
});
