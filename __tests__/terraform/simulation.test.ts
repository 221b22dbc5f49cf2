/**
 * What the role allows, proven on the documents as Terraform plans them:
 * one `terraform plan` (real provider, moto's STS) of the default and
 * a scoped role in each of the partitions aws, aws-us-gov and aws-cn, then
 * every case of the review tool's table run through the IAM policy simulator.
 */
import { EmulatedAccount } from "../support/emulator";
import {
  ACCOUNT,
  PLANNED_ROLES,
  PlannedRole,
  plannedDocuments,
  plannedRolesStack,
  RoleAddresses,
} from "../support/planned-roles";
import { PlanJson, TerraformWorkdir, testEnv } from "../support/terraform";
import { initialisedWorkdir } from "../support/lifecycle";
import { describeUnexpected, pinpointCases, RoleDocuments, simulateCase } from "../../review/simulation";

let aws: EmulatedAccount;
let workdir: TerraformWorkdir;
let plan: PlanJson;
let addresses: Map<string, RoleAddresses>;

beforeAll(async () => {
  aws = await EmulatedAccount.open(ACCOUNT);
  // The app stack's provider block: a fork of the run's one init.
  workdir = await initialisedWorkdir("simulation");
  const stack = plannedRolesStack();
  addresses = stack.addresses;
  workdir.write("cdk.tf.json", stack.stackJson);
  plan = await workdir.plan(testEnv(aws.env));
});

afterAll(async () => {
  workdir?.remove();
});

const documentsOf = (role: PlannedRole): RoleDocuments =>
  plannedDocuments(plan, addresses.get(role.id) as RoleAddresses, role.boundary);

const CASES = PLANNED_ROLES.flatMap((role) => pinpointCases(role.scope).map((simulationCase) => ({
  name: `${role.partition} ${role.shape}: ${simulationCase.title}`,
  role,
  simulationCase,
  expected: simulationCase.expected,
})));

describe("simulation of the planned trust and permissions policies", () => {
  it.each(CASES)("$name → $expected", async ({ role, simulationCase, expected }) => {
    const outcome = await simulateCase(simulationCase, documentsOf(role));
    expect({ verdict: outcome.verdict, unexpected: describeUnexpected(outcome) }).toEqual({ verdict: expected, unexpected: "" });
  });
});

describe("the case table", () => {
  it("has the unlisted-app, unlisted-identity and unlisted-set cases for the scoped roles only", () => {
    const listCases = (role: PlannedRole) => CASES.filter((row) => row.role === role && /not listed/.test(row.name)).length;
    expect(PLANNED_ROLES.map((role) => [role.id, listCases(role)]))
      .toEqual(PLANNED_ROLES.map((role) => [role.id, role.shape === "scoped" ? 3 : 0]));
  });

  it("turns every denied case into an allowed one for a wide-open role, so no case is denied by accident", async () => {
    const wideOpen: RoleDocuments = {
      trust: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: "*", Action: "sts:AssumeRole" }] },
      permissions: [{ name: "everything", document: { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] } }],
    };
    const stillDenied: string[] = [];
    for (const row of CASES.filter((candidate) => candidate.expected === "Denied")) {
      const outcome = await simulateCase({ ...row.simulationCase, expected: "Allowed" }, wideOpen);
      if (!outcome.passed) stillDenied.push(`${row.name}: ${describeUnexpected(outcome)}`);
    }
    expect(stillDenied).toEqual([]);
  });

  it("denies ses:SendRawEmail to the scoped role through its permissions boundary, not its own policy", async () => {
    for (const role of PLANNED_ROLES.filter((candidate) => candidate.shape === "scoped")) {
      const rawSend = pinpointCases(role.scope).find((candidate) => candidate.title.includes("ses:SendRawEmail on identity"));
      const withBoundary = await simulateCase(rawSend!, documentsOf(role));
      const withoutBoundary = await simulateCase({ ...rawSend!, expected: "Allowed" }, { ...documentsOf(role), boundary: undefined });
      expect(withBoundary.requests.map((request) => request.reason)).toEqual(["denied by the permissions boundary"]);
      expect(withoutBoundary.passed).toBe(true);
    }
  });

  it("plans the permissions boundary ARN of each scoped role", () => {
    const boundaries = (plan.resource_changes ?? []).filter((change) => change.type === "aws_iam_role")
      .map((change) => change.change.after.permissions_boundary).filter(Boolean).sort();
    expect(boundaries).toEqual(PLANNED_ROLES.filter((role) => role.shape === "scoped")
      .map((role) => role.props.permissionsBoundaryArn).sort());
  });
});
