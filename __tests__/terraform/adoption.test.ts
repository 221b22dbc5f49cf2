/**
 * Adopting an existing role: the Pinpoint console can create the sending role
 * itself. One is made out of band, with a console-style path, name, inline
 * policy name and pretty-printed documents; `adoptExistingRole` imports it
 * and its policy, and Terraform then manages them without replacing either.
 */
import { PinpointSesSendingRoleProps } from "../../modules";
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

// What a role made in the console looks like; the construct is given the same names and path.
const EXISTING = { path: "/service-role/", roleName: "pinpoint-email-orchestration-role", policyName: "pinpoint-ses-sending" };
const PROPS: PinpointSesSendingRoleProps = { ...EXISTING, adoptExistingRole: true };

let base: TerraformWorkdir;
let scenario: Scenario;
let existingRoleId: string;
let plan: PlanJson;
const at = () => ({ partition: "aws", region: "us-east-1", account: scenario.account });

beforeAll(async () => {
  base = await initialisedWorkdir("adoption");
  scenario = await Scenario.start(base, "adoption");
  const seed = seedDocuments(at());
  await scenario.iam.call("CreateRole", {
    RoleName: EXISTING.roleName,
    Path: EXISTING.path,
    AssumeRolePolicyDocument: JSON.stringify(seed.trust, null, 4),
  });
  await scenario.iam.call("PutRolePolicy", {
    RoleName: EXISTING.roleName,
    PolicyName: EXISTING.policyName,
    PolicyDocument: JSON.stringify(seed.policies.PinpointUsesSESForEmailSends, null, 4),
  });
  existingRoleId = (await readOnlyRole(scenario)).id;
  scenario.use(constructStackJson(PROPS));
  plan = await scenario.plan();
});

afterAll(async () => {
  await scenario?.stop();
  base?.remove();
});

describe("the plan that adopts an existing role", () => {
  it("imports the role by name and the inline policy as ROLE:POLICY", () => {
    expect(resourceChange(plan, "aws_iam_role").change.importing).toEqual({ id: EXISTING.roleName });
    expect(resourceChange(plan, "aws_iam_role_policy").change.importing)
      .toEqual({ id: `${EXISTING.roleName}:${EXISTING.policyName}` });
  });

  it("replaces nothing: it only sets the construct's description on the role", () => {
    expect(plannedActions(plan)).toEqual({ aws_iam_role: ["update"] });
    const role = resourceChange(plan, "aws_iam_role").change;
    expect(role.before.description).toBeFalsy();
    expect(role.after.description).toBe("Lets Amazon Pinpoint send campaign and journey email through Amazon SES");
  });
});

describe("applying the adoption", () => {
  beforeAll(() => scenario.apply({ savedPlan: true }));

  it("keeps the same role and policy, now in state", async () => {
    const role = await readOnlyRole(scenario);
    expect(role.id).toBe(existingRoleId);
    expect(documentsOf(role)).toEqual(seedDocuments(at(), EXISTING.policyName));
    const resources = await scenario.resources();
    expect(resources.aws_iam_role).toMatchObject([{ unique_id: existingRoleId, path: EXISTING.path }]);
    expect(resources.aws_iam_role_policy).toMatchObject([{ name: EXISTING.policyName, role: EXISTING.roleName }]);
  });

  it("re-plans with no changes, the import option still on", () => expectNoChanges(scenario));
});
