/**
 * The role through Terraform state after its creation, with the real AWS
 * provider against moto: updated in place option by option, with no
 * replacement. State and IAM must agree at every step. Where moto's UpdateRole differs from IAM's, the
 * test asserts moto's answer and names the difference (moto-differences.ts).
 */
import { PinpointSesSendingRoleProps } from "../../modules";
import {
  documentsOf,
  expectNoChanges,
  initialisedWorkdir,
  plannedActions,
  readOnlyRole,
  Scenario,
} from "../support/lifecycle";
import { expectMotoDifference, meeting, UPDATE_ROLE_RESETS_OMITTED_FIELDS } from "../support/moto-differences";
import { seedPermissionsPolicy, seedPermissionsPolicyFor, seedTrustPolicyFor } from "../support/seed";
import { constructStackJson } from "../support/synth";
import { PlanJson, resourceChange, TerraformWorkdir } from "../support/terraform";

const APP_IDS = ["0123456789abcdef0123456789abcdef", "fedcba9876543210fedcba9876543210"];

let base: TerraformWorkdir;

beforeAll(async () => {
  base = await initialisedWorkdir("update");
});

afterAll(() => base?.remove());

describe("update in place of a fully optioned role in us-gov-west-1", () => {
  let scenario: Scenario;
  const at = { partition: "aws-us-gov", region: "us-gov-west-1", account: "" };
  /** The three versions of the role, in an account known only once the scenario has one. */
  const versionsIn = (account: string) => {
    const boundary = (name: string) => `arn:aws-us-gov:iam::${account}:policy/boundaries/${name}`;
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
    return { boundary, first, second, third };
  };
  let versions: ReturnType<typeof versionsIn>;
  let createdRoleId: string;

  /** Plans `props`, applies that plan, and returns the plan. */
  async function update(step: string, props: PinpointSesSendingRoleProps): Promise<PlanJson> {
    scenario.use(constructStackJson(props, at.region));
    const plan = await scenario.plan();
    await scenario.step(step, (s) => s.apply({ savedPlan: true }));
    return plan;
  }

  beforeAll(async () => {
    scenario = await Scenario.start(base, "update", { region: at.region });
    at.account = scenario.account;
    versions = versionsIn(scenario.account);
    // IAM refuses a boundary that names no policy: the administrator made both beforehand.
    for (const name of ["pinpoint", "email"]) {
      await scenario.iam.call("CreatePolicy",
        { PolicyName: name, Path: "/boundaries/", PolicyDocument: JSON.stringify(seedPermissionsPolicy(at)) });
    }
    scenario.use(constructStackJson(versions.first, at.region));
    await scenario.apply();
    createdRoleId = (await readOnlyRole(scenario)).id;
  });

  afterAll(() => scenario?.stop());

  it("creates the role with every option, in the aws-us-gov partition", async () => {
    const role = await readOnlyRole(scenario);
    expect(role).toMatchObject({
      arn: `arn:aws-us-gov:iam::${at.account}:role/messaging/pinpoint-email-sender`,
      description: versions.first.description,
      maxSessionDuration: 7200,
      permissionsBoundary: versions.boundary("pinpoint"),
    });
    expect(Object.fromEntries(role.tags)).toEqual(versions.first.tags);
    expect(documentsOf(role)).toEqual({
      trust: seedTrustPolicyFor(at, APP_IDS.slice(0, 1)),
      policies: { "ses-send": seedPermissionsPolicyFor(at, ["example.com"], ["marketing"]) },
    });
  });

  it("re-plans the fully optioned role with no changes", () => expectNoChanges(scenario));

  describe("after changing identities, configuration sets, app ids, tags, description, session and boundary", () => {
    let plan: PlanJson;
    beforeAll(async () => {
      plan = await update("update", versions.second);
    });

    it("plans an update of the role and of its policy, and no replacement", () => {
      expect(plannedActions(plan)).toEqual({ aws_iam_role: ["update"], aws_iam_role_policy: ["update"] });
    });

    it(meeting(UPDATE_ROLE_RESETS_OMITTED_FIELDS, "keeps the same role and gives it the new documents and attributes"), async () => {
      const role = await readOnlyRole(scenario);
      expect(role.id).toBe(createdRoleId);
      expect(role).toMatchObject({ maxSessionDuration: 3600, permissionsBoundary: versions.boundary("email") });
      // The provider sends UpdateRoleDescription, then UpdateRole with MaxSessionDuration alone.
      await expectMotoDifference(UPDATE_ROLE_RESETS_OMITTED_FIELDS, () => expect(role.description).toBeUndefined());
      expect(Object.fromEntries(role.tags)).toEqual(versions.second.tags);
      expect(documentsOf(role)).toEqual({
        trust: seedTrustPolicyFor(at, APP_IDS),
        policies: { "ses-send": seedPermissionsPolicyFor(at, ["example.com", "news@example.org"], ["transactional"]) },
      });
    });

    it(meeting(UPDATE_ROLE_RESETS_OMITTED_FIELDS, "re-plans with nothing to do but put the description back"), () =>
      expectMotoDifference(UPDATE_ROLE_RESETS_OMITTED_FIELDS, async () => {
        const plan = await scenario.plan();
        const role = resourceChange(plan, "aws_iam_role").change;
        expect(plannedActions(plan)).toEqual({ aws_iam_role: ["update"] });
        expect({ ...role.before, description: versions.second.description }).toEqual(role.after);
      }));
  });

  describe("after removing the permissions boundary", () => {
    let plan: PlanJson;
    beforeAll(async () => {
      plan = await update("remove boundary", versions.third);
    });

    it("plans an update of the role only", () => {
      expect(plannedActions(plan)).toEqual({ aws_iam_role: ["update"] });
    });

    it("removes the boundary from the same role", async () => {
      const role = await readOnlyRole(scenario);
      expect(role.id).toBe(createdRoleId);
      expect(role.permissionsBoundary).toBeUndefined();
    });

    it("re-plans with no changes", () => expectNoChanges(scenario));
  });
});
