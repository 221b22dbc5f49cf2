/**
 * The deployer's policy, proven both ways against what the AWS provider
 * really sends: a lifecycle against the local IAM endpoint (adopt an existing
 * role, create one, update both, remove a stray inline policy, destroy) is
 * recorded call by call; the policy must allow every call, and deny the same
 * actions on roles outside its ARN pattern.
 */
import { PinpointSesSendingRoleProps } from "../../modules";
import { deployerPolicy } from "../../deployer/policy";
import { CaseRequest, describeUnexpected, simulateCase, SimulationCase, Verdict } from "../../review/simulation";
import { initialisedWorkdir, Scenario } from "../support/lifecycle";
import { ALL_OBSERVED_ACTIONS } from "../../deployer/observed-actions";
import { plannedRolesStack } from "../support/planned-roles";
import { TerraformWorkdir } from "../support/terraform";

const ACCOUNT = "678901234567";
const PATH = "/messaging/";
const PREFIX = "pinpoint-ses-sending-";
const ADOPTED = `${PREFIX}adopted`;
const DEPLOYER = `arn:aws:iam::${ACCOUNT}:user/deployer`;
const POLICY = deployerPolicy({ partition: "aws", account: ACCOUNT, path: PATH, roleNamePrefix: PREFIX, actions: ALL_OBSERVED_ACTIONS });
const boundary = (name: string) => `arn:aws:iam::${ACCOUNT}:policy/${name}`;

/** Both roles, first as created or adopted, then changed in every way an update can. */
function stack(version: 1 | 2): object {
  const common: PinpointSesSendingRoleProps = {
    path: PATH,
    exclusiveInlinePolicy: true,
    ...(version === 1
      ? { tags: { team: "messaging", stage: "test" }, permissionsBoundaryArn: boundary("first"), sesIdentities: ["example.com"] }
      : { tags: { team: "email" }, description: "Sends for the email team", maxSessionDuration: 7200, sesIdentities: ["example.org"] }),
  };
  return plannedRolesStack([
    { id: "adopted", region: "us-east-1", props: { ...common, roleName: ADOPTED, policyName: "console-policy", adoptExistingRole: true } },
    {
      id: "created",
      region: "us-east-1",
      props: { ...common, roleNamePrefix: PREFIX, ...(version === 2 ? { permissionsBoundaryArn: boundary("second") } : {}) },
    },
  ]).stackJson;
}

let base: TerraformWorkdir;
let scenario: Scenario;

beforeAll(async () => {
  base = await initialisedWorkdir("deployer");
  scenario = await Scenario.start(base, "deployer", ACCOUNT);
  const document = (statement: object) => JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
  scenario.endpoint.invoke("iam", "CreateRole", {
    RoleName: ADOPTED,
    Path: PATH,
    AssumeRolePolicyDocument: document({ Effect: "Allow", Principal: { Service: "pinpoint.amazonaws.com" }, Action: "sts:AssumeRole" }),
  });
  scenario.endpoint.invoke("iam", "PutRolePolicy", {
    RoleName: ADOPTED,
    PolicyName: "console-policy",
    PolicyDocument: document({ Effect: "Allow", Action: "ses:SendEmail", Resource: "*" }),
  });
  scenario.use(stack(1));
  await scenario.apply();
  const created = scenario.endpoint.roles().find((role) => role.name !== ADOPTED);
  scenario.endpoint.invoke("iam", "PutRolePolicy", {
    RoleName: created?.name ?? "",
    PolicyName: "stray",
    PolicyDocument: document({ Effect: "Allow", Action: "s3:ListAllMyBuckets", Resource: "*" }),
  });
  scenario.use(stack(2));
  await scenario.apply();
  await scenario.workdir.destroy(scenario.env);
});

afterAll(async () => {
  await scenario?.stop();
  base?.remove();
});

/** Every call the provider made, as the deployer's request: IAM calls on the role they name, STS calls on `*`. */
function recordedRequests(): CaseRequest[] {
  const seen = new Map<string, CaseRequest>();
  for (const call of scenario.endpoint.calls) {
    const action = `${call.service}:${call.action}`;
    if (call.service === "iam" && !call.params.RoleName) throw new Error(`${action} names no role: ${JSON.stringify(call.params)}`);
    const resource = call.service === "iam" ? `arn:aws:iam::${ACCOUNT}:role${PATH}${call.params.RoleName}` : "*";
    seen.set(`${action} ${resource}`, { against: "role", principal: DEPLOYER, action, resource, resourceAccount: ACCOUNT });
  }
  return [...seen.values()];
}

function asCase(title: string, expected: Verdict, requests: CaseRequest[]): SimulationCase {
  return { title, expected, requests };
}

const deployerDocuments = { trust: undefined, permissions: [{ name: "deployer", document: POLICY }] };

describe("the deployer policy against the provider's recorded calls", () => {
  it("saw the provider adopt, create, update and destroy both roles through the endpoint", () => {
    expect(scenario.endpoint.roles()).toEqual([]);
    const actions = new Set(scenario.endpoint.actions());
    for (const action of ["iam:CreateRole", "iam:UpdateAssumeRolePolicy", "iam:UntagRole", "iam:DeleteRolePermissionsBoundary",
      "iam:PutRolePermissionsBoundary", "iam:DeleteRolePolicy", "iam:DeleteRole"]) {
      expect(actions).toContain(action);
    }
    expect(scenario.endpoint.unimplemented).toEqual([]);
  });

  it("allows every call the provider made, on the role it named", async () => {
    const outcome = await simulateCase(asCase("every recorded call", "Allowed", recordedRequests()), deployerDocuments);
    expect(describeUnexpected(outcome)).toBe("");
  });

  it.each([
    { outside: "a role of the account whose name lacks the prefix", arn: `arn:aws:iam::${ACCOUNT}:role${PATH}administrator`, account: ACCOUNT },
    { outside: "a role with the prefix under another path", arn: `arn:aws:iam::${ACCOUNT}:role/${PREFIX}x`, account: ACCOUNT },
    { outside: "a role with the prefix in another account", arn: `arn:aws:iam::111122223333:role${PATH}${PREFIX}x`, account: "111122223333" },
  ])("denies the same IAM actions on $outside", async ({ arn, account }) => {
    const requests = recordedRequests().filter((request) => request.action.startsWith("iam:"))
      .map((request) => ({ ...request, resource: arn, resourceAccount: account }));
    const outcome = await simulateCase(asCase("recorded IAM actions outside the pattern", "Denied", requests), deployerDocuments);
    expect(describeUnexpected(outcome)).toBe("");
    expect(requests.length).toBeGreaterThan(10);
  });

  it("allows exactly the actions the provider sent in this lifecycle", () => {
    const allowed = POLICY.Statement.flatMap((statement) => [statement.Action].flat()).sort();
    expect(allowed).toEqual([...new Set(scenario.endpoint.actions())].sort());
  });

  it("scopes every IAM action to the role pattern and only sts:GetCallerIdentity to *", () => {
    expect(POLICY.Statement.map((statement) => [[statement.Action].flat().every((action) => action.startsWith("iam:")), statement.Resource]))
      .toEqual([[true, `arn:aws:iam::${ACCOUNT}:role/messaging/pinpoint-ses-sending-*`], [false, "*"]]);
    expect(POLICY.Statement[1].Action).toEqual(["sts:GetCallerIdentity"]);
  });
});
