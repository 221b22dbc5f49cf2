/**
 * What the AWS provider sends, phase by phase, recorded by the local endpoint: the list in
 * deployer/observed-actions.ts (from which the deployer's least-privilege policy is built) must be exactly what the
 * provider calls to plan, create, re-plan, update, repair drift with an exclusive policy list, destroy through an
 * attached policy, and import. The same scenario meets what moto does not do: IAM's eventual consistency (a new role
 * unseen by its first reads) and paged lists (two items a page), and IAM's UpdateRole, which leaves the field a call
 * omits as it is (moto-differences.ts). The outcome of each phase, against moto, is in the lifecycle, update, drift and
 * adoption tests.
 */
import { actionsOf } from "../../deployer/observed-actions";
import { PinpointSesSendingRoleProps } from "../../modules";
import { expectNoChangesIn, expectOnlyRecordedActions, initialisedWorkdir, onlyRole, Scenario } from "../support/lifecycle";
import { RoleView } from "../support/iam-client";
import { UPDATE_ROLE_RESETS_OMITTED_FIELDS } from "../support/moto-differences";
import { seedTrustPolicy } from "../support/seed";
import { constructStackJson } from "../support/synth";
import { RunResult, TerraformWorkdir } from "../support/terraform";

const ACCOUNT = "210987654321";
const ROLE = "pinpoint-ses-calls";
const BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/boundaries/pinpoint`;
const CREATED: PinpointSesSendingRoleProps = { roleName: ROLE, exclusiveInlinePolicy: true, tags: { team: "messaging" } };
/** Every attribute an update can change: trust (app ids), description, session, tags, boundary, inline policy. */
const UPDATED: PinpointSesSendingRoleProps = {
  ...CREATED, pinpointApplicationIds: ["0123456789abcdef0123456789abcdef"], description: "Sends for the email team",
  maxSessionDuration: 7200, tags: { owner: "ops" }, permissionsBoundaryArn: BOUNDARY, sesIdentities: ["example.com"],
};
const STRAY_POLICY = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] });

let base: TerraformWorkdir;
let scenario: Scenario;
const getRoleStatuses: number[] = [];
let listPolicyMarkers: (string | undefined)[] = [];
let updated: RoleView | undefined;
let updatedReplan: RunResult;

beforeAll(async () => {
  base = await initialisedWorkdir("provider-calls");
  scenario = await Scenario.startLocal(base, "provider-calls", { account: ACCOUNT });
  const iam = scenario.endpoint;
  iam.invoke("iam", "CreatePolicy", { PolicyName: "pinpoint", Path: "/boundaries/", PolicyDocument: STRAY_POLICY });
  iam.invoke("iam", "CreatePolicy", { PolicyName: "AttachedInTheConsole", PolicyDocument: STRAY_POLICY });

  scenario.use(constructStackJson(CREATED));
  await scenario.step("plan", (s) => s.plan());
  // As IAM can be, the endpoint is slow to show the new role: its first two reads answer NoSuchEntity.
  iam.delayNewRoles(2);
  await scenario.step("create", (s) => s.apply({ savedPlan: true }));
  getRoleStatuses.push(...iam.calls.filter((call) => call.action === "GetRole").map((call) => call.status));
  iam.delayNewRoles(0);
  await scenario.step("re-plan", (s) => s.workdir.planExitCode(s.env));
  scenario.use(constructStackJson(UPDATED));
  await scenario.step("update", (s) => s.apply());
  updated = await scenario.iam.role(ROLE);
  updatedReplan = await scenario.workdir.planExitCode(scenario.env);
  scenario.use(constructStackJson({ ...UPDATED, permissionsBoundaryArn: undefined }));
  await scenario.step("remove boundary", (s) => s.apply());
  // Out of band: two stray inline policies (three in all: two pages) and an attached managed policy.
  for (const name of ["stray-1", "stray-2"]) iam.invoke("iam", "PutRolePolicy", { RoleName: ROLE, PolicyName: name, PolicyDocument: STRAY_POLICY });
  iam.invoke("iam", "AttachRolePolicy", { RoleName: ROLE, PolicyArn: `arn:aws:iam::${ACCOUNT}:policy/AttachedInTheConsole` });
  const since = iam.calls.length;
  await scenario.step("repair", (s) => s.apply());
  listPolicyMarkers = iam.calls.slice(since).filter((call) => call.action === "ListRolePolicies").map((call) => call.params.Marker);
  await scenario.step("destroy", (s) => s.workdir.destroy(s.env));
  // A role made outside Terraform, adopted by the next plan.
  const trust = seedTrustPolicy({ partition: "aws", region: "us-east-1", account: ACCOUNT });
  iam.invoke("iam", "CreateRole", { RoleName: ROLE, AssumeRolePolicyDocument: JSON.stringify(trust) });
  iam.invoke("iam", "PutRolePolicy", { RoleName: ROLE, PolicyName: "PinpointUsesSESForEmailSends", PolicyDocument: STRAY_POLICY });
  scenario.use(constructStackJson({ roleName: ROLE, adoptExistingRole: true }));
  await scenario.step("import plan", (s) => s.plan());
});

afterAll(async () => {
  await scenario?.stop();
  base?.remove();
});

describe("the provider's calls, phase by phase", () => {
  it.each([
    ["plan", "a plan of a new role", actionsOf("plan")],
    ["create", "creating the role and its policy", actionsOf("plan", "read", "create")],
    ["re-plan", "re-planning with no changes", actionsOf("plan", "read")],
    ["import plan", "planning the adoption of an existing role", actionsOf("plan", "read", "import")],
  ])("sends for %s (%s) exactly the recorded actions", (step, _what, expected) => {
    expect(scenario.actions[step]).toEqual(expected);
  });

  it("sends, over an update of every attribute and the removal of the boundary, exactly the recorded actions of an update", () => {
    expect([...new Set([...scenario.actions.update, ...scenario.actions["remove boundary"]])].sort())
      .toEqual(actionsOf("plan", "read", "update"));
  });

  it("repairs out-of-band policies with the recorded actions of an exclusive policy list", () => {
    expect(scenario.actions.repair).toEqual(expect.arrayContaining(actionsOf("exclusive")));
    expect(onlyRole(scenario.endpoint).policies.size).toBe(1);
  });

  it("destroys a role with an attached policy with exactly the recorded actions of a forced detach", () => {
    expect(scenario.actions.destroy).toEqual(actionsOf("plan", "read", "destroy", "forceDetach"));
  });

  it("sent only recorded actions, and none the endpoint does not implement", () => expectOnlyRecordedActions(scenario.endpoint));
});

describe("what moto does not do", () => {
  it(`keeps the description when the session duration changes with it, as IAM does (${UPDATE_ROLE_RESETS_OMITTED_FIELDS.id})`, async () => {
    expect(updated).toMatchObject({ description: UPDATED.description, maxSessionDuration: 7200 });
    expectNoChangesIn(updatedReplan);
  });

  it("retries reading a new role until IAM shows it (eventual consistency)", () => {
    expect(getRoleStatuses.slice(0, 3)).toEqual([404, 404, 200]);
  });

  it("follows IAM's paging: it asked for the second page of the role's three inline policies", () => {
    expect(listPolicyMarkers).toContain("2");
  });
});
