/**
 * The life of the role through Terraform state, with the real AWS provider
 * against a local IAM endpoint: apply, re-plan without changes, update in
 * place, destroy. State and endpoint must agree at every step.
 */
import { PinpointSesSendingRoleProps } from "../../modules";
import {
  documentsOf,
  expectNoChanges,
  initialisedWorkdir,
  itOnLocalEndpoint,
  LOCAL_ONLY,
  plannedActions,
  readOnlyRole,
  Scenario,
  seedDocuments,
} from "../support/lifecycle";
import { actionsOf } from "../../deployer/observed-actions";
import { seedPermissionsPolicy, seedPermissionsPolicyFor, seedTrustPolicyFor } from "../support/seed";
import { appStackJson, constructStackJson } from "../support/synth";
import { PlanJson, StateJson, TerraformWorkdir } from "../support/terraform";

const ACCOUNT = "210987654321";
const APP_IDS = ["0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"];

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

describe("apply through a role assumed in another account", () => {
  const target = "109876543210";
  const roleArn = `arn:aws:iam::${target}:role/terraform-deployer`;
  let scenario: Scenario;

  beforeAll(async () => {
    scenario = await Scenario.start(base, "assumed", ACCOUNT);
    scenario.use(appStackJson({ assumeRole: { roleArn, account: target } }));
    await scenario.apply();
  });

  afterAll(async () => {
    await scenario?.workdir.destroy(scenario.env);
    await scenario?.stop();
  });

  it("creates the role in the assumed role's account, and none in the account of the credentials", async () => {
    const roles = await (await scenario.iam.assumeRole(roleArn)).roles();
    expect(roles.map((role) => role.arn)).toEqual([expect.stringMatching(new RegExp(`^arn:aws:iam::${target}:role/pinpoint-ses-sending-`))]);
    expect(await scenario.iam.roles()).toEqual([]);
  });
});

describe("update in place of a fully optioned role in us-gov-west-1", () => {
  const at = { partition: "aws-us-gov", region: "us-gov-west-1", account: ACCOUNT };
  const boundary = (name: string) => `arn:aws-us-gov:iam::${ACCOUNT}:policy/boundaries/${name}`;
  const first: PinpointSesSendingRoleProps = {
    region: at.region,
    roleName: "pinpoint-email-sender",
    path: "/messaging/",
    description: "Pinpoint sender for the messaging team",
    permissionsBoundaryArn: boundary("pinpoint"),
    maxSessionDuration: 7200,
    sesIdentities: ["example.com"],
    configurationSets: ["marketing"],
    pinpointApplicationIds: APP_IDS.slice(0, 1),
    policyName: "ses-send",
    tags: { team: "messaging", stage: "test" },
    exclusiveInlinePolicy: true,
  };
  const second: PinpointSesSendingRoleProps = {
    ...first,
    description: "Pinpoint sender for the email team",
    permissionsBoundaryArn: boundary("email"),
    maxSessionDuration: 3600,
    sesIdentities: ["example.com", "news@example.org"],
    configurationSets: ["transactional"],
    pinpointApplicationIds: APP_IDS,
    tags: { team: "email", owner: "ops" },
  };
  const third: PinpointSesSendingRoleProps = { ...second, permissionsBoundaryArn: undefined };
  let scenario: Scenario;
  let createdRoleId: string;

  /** Plans `props`, applies that plan, and returns the plan. */
  async function update(step: string, props: PinpointSesSendingRoleProps): Promise<PlanJson> {
    scenario.use(constructStackJson(props, at.region));
    const plan = await scenario.plan();
    await scenario.step(step, (s) => s.apply({ savedPlan: true }));
    return plan;
  }

  beforeAll(async () => {
    scenario = await Scenario.start(base, "update", ACCOUNT);
    // IAM refuses a boundary that names no policy: the administrator made both beforehand.
    for (const name of ["pinpoint", "email"]) {
      await scenario.iam.inRegion(at.region).call("CreatePolicy",
        { PolicyName: name, Path: "/boundaries/", PolicyDocument: JSON.stringify(seedPermissionsPolicy(at)) });
    }
    scenario.use(constructStackJson(first, at.region));
    await scenario.apply();
    createdRoleId = (await readOnlyRole(scenario)).id;
  });

  afterAll(() => scenario?.stop());

  it("creates the role with every option, in the aws-us-gov partition", async () => {
    const role = await readOnlyRole(scenario);
    expect(role).toMatchObject({
      arn: `arn:aws-us-gov:iam::${ACCOUNT}:role/messaging/pinpoint-email-sender`,
      description: first.description,
      maxSessionDuration: 7200,
      permissionsBoundary: boundary("pinpoint"),
    });
    expect(Object.fromEntries(role.tags)).toEqual(first.tags);
    expect(documentsOf(role)).toEqual({
      trust: seedTrustPolicyFor(at, APP_IDS.slice(0, 1)),
      policies: { "ses-send": seedPermissionsPolicyFor(at, ["example.com"], ["marketing"]) },
    });
  });

  it("re-plans the fully optioned role with no changes", () => expectNoChanges(scenario));

  describe("after changing identities, configuration sets, app ids, tags, description, session and boundary", () => {
    let plan: PlanJson;
    beforeAll(async () => {
      plan = await update("update", second);
    });

    it("plans an update of the role and of its policy, and no replacement", () => {
      expect(plannedActions(plan)).toEqual({ aws_iam_role: ["update"], aws_iam_role_policy: ["update"] });
    });

    it("keeps the same role on the endpoint and gives it the new documents and attributes", async () => {
      const role = await readOnlyRole(scenario);
      expect(role.id).toBe(createdRoleId);
      expect(role).toMatchObject({
        description: second.description,
        maxSessionDuration: 3600,
        permissionsBoundary: boundary("email"),
      });
      expect(Object.fromEntries(role.tags)).toEqual(second.tags);
      expect(documentsOf(role)).toEqual({
        trust: seedTrustPolicyFor(at, APP_IDS),
        policies: { "ses-send": seedPermissionsPolicyFor(at, ["example.com", "news@example.org"], ["transactional"]) },
      });
    });

    it("re-plans with no changes", () => expectNoChanges(scenario));
  });

  describe("after removing the permissions boundary", () => {
    let plan: PlanJson;
    beforeAll(async () => {
      plan = await update("remove boundary", third);
    });

    it("plans an update of the role only", () => {
      expect(plannedActions(plan)).toEqual({ aws_iam_role: ["update"] });
    });

    it("removes the boundary from the same role", async () => {
      const role = await readOnlyRole(scenario);
      expect(role.id).toBe(createdRoleId);
      expect(role.permissionsBoundary).toBeUndefined();
    });

    itOnLocalEndpoint("sent, over both updates, exactly the recorded actions of an update", LOCAL_ONLY.recording, () => {
      const sent = [...new Set([...scenario.actions.update, ...scenario.actions["remove boundary"]])].sort();
      expect(sent).toEqual(actionsOf("plan", "read", "update"));
    });

    it("re-plans with no changes", () => expectNoChanges(scenario));
  });
});
