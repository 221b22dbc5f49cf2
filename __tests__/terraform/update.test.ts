/**
 * The role through Terraform state after its creation, with the real AWS
 * provider against a local IAM endpoint: applied through an assumed role in
 * another account, and updated in place option by option, with no
 * replacement. State and endpoint must agree at every step.
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
} from "../support/lifecycle";
import { actionsOf } from "../../deployer/observed-actions";
import { seedPermissionsPolicy, seedPermissionsPolicyFor, seedTrustPolicyFor } from "../support/seed";
import { appStackJson, constructStackJson } from "../support/synth";
import { PlanJson, TerraformWorkdir } from "../support/terraform";

const ACCOUNT = "210987654321";
const APP_IDS = ["0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"];

let base: TerraformWorkdir;

beforeAll(async () => {
  base = await initialisedWorkdir("update");
});

afterAll(() => base?.remove());

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
