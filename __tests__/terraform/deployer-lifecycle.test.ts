/**
 * The deployer's policy, proven end to end against what the AWS provider
 * really sends: the local endpoint authorises every request as the deployer
 * (evaluating the deployer policy with iam-simulate, answering AccessDenied
 * as IAM does). A whole lifecycle (adopt a role, create one with the email
 * channel, update both, remove a stray inline policy, destroy through an
 * attached managed policy) must run green under it; stacks that try to
 * escalate must fail at apply with AccessDenied and leave nothing half-made.
 */
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { DEFAULT_STACK_NAME } from "../../app/config";
import { PinpointSesEmailChannel, PinpointSesSendingRole, PinpointSesSendingRoleProps } from "../../modules";
import { boundaryPolicy, boundaryPolicyArn, deployerPolicy, DEPLOYER_SIDS } from "../../deployer/policy";
import { ALL_OBSERVED_ACTIONS, OBSERVED_ACTIONS } from "../../deployer/observed-actions";
import { DEFAULT_DESCRIPTION } from "../../modules/pinpoint-ses-sending-role";
import { initialisedWorkdir, Scenario } from "../support/lifecycle";
import { seedTrustPolicy } from "../support/seed";
import { TerraformWorkdir } from "../support/terraform";

const ACCOUNT = "678901234567";
const PATH = "/messaging/";
const PREFIX = "pinpoint-ses-sending-";
const ADOPTED = `${PREFIX}adopted`;
const APP_ID = "0123456789abcdef0123456789abcdef";
const AT = { partition: "aws", account: ACCOUNT };
const BOUNDARY = boundaryPolicyArn(AT);
const OTHER_BOUNDARY = `arn:aws:iam::${ACCOUNT}:policy/AdministratorAccessLike`;
const POLICY = deployerPolicy({
  ...AT, path: PATH, roleNamePrefix: PREFIX, emailChannel: true, region: "us-east-1", pinpointApplicationIds: [APP_ID], actions: ALL_OBSERVED_ACTIONS,
});
const document = (statement: object) => JSON.stringify({ Version: "2012-10-17", Statement: [statement] });
const EVERYTHING = document({ Effect: "Allow", Action: "*", Resource: "*" });

/** A stack of sending roles (by construct id), the first one with the email channel when `channel` is set. */
function stack(roles: { [id: string]: PinpointSesSendingRoleProps }, channel = false): object {
  const app = Testing.app();
  const root = new TerraformStack(app, DEFAULT_STACK_NAME);
  new AwsProvider(root, "aws", { region: "us-east-1" });
  const built = Object.entries(roles).map(([id, props]) => new PinpointSesSendingRole(root, id, props));
  if (channel) {
    new PinpointSesEmailChannel(root, "channel", { applicationId: APP_ID, identity: "example.com", fromAddress: "news@example.com", sendingRole: built[0] });
  }
  return JSON.parse(Testing.synth(root));
}

/** Both roles, first as created or adopted, then changed in every way an update can (trust, tags, description, session, policy) but the boundary. */
function lifecycleStack(version: 1 | 2): object {
  const common: PinpointSesSendingRoleProps = {
    path: PATH,
    exclusiveInlinePolicy: true,
    permissionsBoundaryArn: BOUNDARY,
    ...(version === 1
      ? { tags: { team: "messaging", stage: "test" }, sesIdentities: ["example.com"] }
      : {
        tags: { team: "email" }, description: "Sends for the email team", maxSessionDuration: 7200,
        sesIdentities: ["example.com", "example.org"], pinpointApplicationIds: [APP_ID],
      }),
  };
  return stack({
    created: { ...common, roleNamePrefix: PREFIX },
    adopted: { ...common, roleName: ADOPTED, policyName: "console-policy", adoptExistingRole: true },
  }, true);
}

/** What the administrator does once: the boundary policy (and another policy a deployer might try instead). */
function administratorSetup(scenario: Scenario): void {
  scenario.endpoint.invoke("iam", "CreatePolicy", { PolicyName: "PinpointSesSendingBoundary", PolicyDocument: JSON.stringify(boundaryPolicy(AT)) });
  scenario.endpoint.invoke("iam", "CreatePolicy", { PolicyName: "AdministratorAccessLike", PolicyDocument: EVERYTHING });
  scenario.endpoint.addPinpointApp(APP_ID);
  scenario.endpoint.authoriseAs([POLICY]);
}

const denials = (scenario: Scenario) => scenario.endpoint.calls.filter((call) => call.status === 403).map((call) => `${call.service}:${call.action}`);

let base: TerraformWorkdir;

beforeAll(async () => {
  base = await initialisedWorkdir("deployer");
});

afterAll(() => base?.remove());

// Authorisation as the deployer exists only on the local endpoint: moto's access control evaluates no condition key but
// sts:ExternalId (moto/iam/utils.py), and the deployer policy rests on iam:PermissionsBoundary and iam:PassedToService.
describe("a whole lifecycle authorised as the deployer", () => {
  let scenario: Scenario;

  beforeAll(async () => {
    scenario = await Scenario.startLocal(base, "deployer", { account: ACCOUNT });
    administratorSetup(scenario);
    // A role made by hand with the procedure's trust policy and no boundary: adopting it puts it under the boundary first.
    scenario.endpoint.invoke("iam", "CreateRole", {
      RoleName: ADOPTED, Path: PATH, Description: DEFAULT_DESCRIPTION,
      AssumeRolePolicyDocument: JSON.stringify(seedTrustPolicy({ ...AT, region: "us-east-1" })),
    });
    scenario.endpoint.invoke("iam", "PutRolePolicy", { RoleName: ADOPTED, PolicyName: "console-policy", PolicyDocument: document({ Effect: "Allow", Action: "ses:SendEmail", Resource: "*" }) });
    scenario.use(lifecycleStack(1));
    await scenario.step("create", (s) => s.apply());
    // Out of band, someone adds an inline policy and attaches a managed one to the created role.
    const created = scenario.endpoint.roles().find((role) => role.name !== ADOPTED)?.name ?? "";
    scenario.endpoint.invoke("iam", "PutRolePolicy", { RoleName: created, PolicyName: "stray", PolicyDocument: document({ Effect: "Allow", Action: "s3:ListAllMyBuckets", Resource: "*" }) });
    scenario.endpoint.invoke("iam", "AttachRolePolicy", { RoleName: created, PolicyArn: OTHER_BOUNDARY });
    scenario.use(lifecycleStack(2));
    await scenario.step("update", (s) => s.apply());
    await scenario.step("destroy", (s) => s.workdir.destroy(s.env));
  });

  afterAll(() => scenario?.stop());

  it("ran green: no request was denied, and both roles and the channel are gone", () => {
    expect(denials(scenario)).toEqual([]);
    expect(scenario.endpoint.roles()).toEqual([]);
    expect(scenario.endpoint.emailChannel(APP_ID)).toBeUndefined();
    expect(scenario.endpoint.unimplemented).toEqual([]);
  });

  it("went through adopting, creating the channel, removing the stray policy and detaching the attached one", () => {
    expect(scenario.actions.create).toEqual(expect.arrayContaining(["iam:CreateRole", "iam:PutRolePermissionsBoundary", "mobiletargeting:UpdateEmailChannel"]));
    expect(scenario.actions.update).toEqual(expect.arrayContaining(["iam:DeleteRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:UpdateRole", "iam:UntagRole"]));
    expect(scenario.actions.destroy).toEqual(expect.arrayContaining([...OBSERVED_ACTIONS.forceDetach, "mobiletargeting:DeleteEmailChannel"]));
  });

  it("sent only actions the observed list holds, and the deployer policy allows each one it sent", () => {
    const sent = [...new Set(scenario.endpoint.actions())].sort();
    expect(sent.filter((action) => !ALL_OBSERVED_ACTIONS.includes(action))).toEqual([]);
    const allowed = POLICY.Statement.filter((statement) => statement.Effect === "Allow").flatMap((statement) => [statement.Action].flat());
    expect([...new Set([...allowed, "iam:PassRole"])].sort()).toEqual([...new Set([...sent, "iam:PassRole"])].sort());
  });

  it("gives the email channel the role, passed to Pinpoint only", () => {
    const update = scenario.endpoint.calls.find((call) => call.action === "UpdateEmailChannel");
    expect(update?.params.OrchestrationSendingRoleArn).toMatch(new RegExp(`^arn:aws:iam::${ACCOUNT}:role${PATH}${PREFIX}`));
    expect(POLICY.Statement.find((statement) => statement.Sid === DEPLOYER_SIDS.passRole)?.Condition)
      .toEqual({ StringEquals: { "iam:PassedToService": "pinpoint.amazonaws.com" } });
  });
});

describe("stacks that try to escalate, applied as the deployer", () => {
  let scenario: Scenario;
  const creations: { [id: string]: PinpointSesSendingRoleProps } = {
    unbounded: { path: PATH, roleName: `${PREFIX}unbounded` },
    "other-boundary": { path: PATH, roleName: `${PREFIX}other`, permissionsBoundaryArn: OTHER_BOUNDARY },
    "outside-prefix": { path: PATH, roleName: "administrator", permissionsBoundaryArn: BOUNDARY },
    "outside-path": { roleName: `${PREFIX}root-path`, permissionsBoundaryArn: BOUNDARY },
  };
  const deployed: PinpointSesSendingRoleProps = { path: PATH, roleName: `${PREFIX}deployed`, permissionsBoundaryArn: BOUNDARY };
  let results: { [step: string]: { status: number; output: string } } = {};

  beforeAll(async () => {
    scenario = await Scenario.startLocal(base, "escalation", { account: ACCOUNT });
    administratorSetup(scenario);
    const apply = async (name: string, stackJson: object) => {
      scenario.use(stackJson);
      const result = await scenario.apply({ allowFailure: true });
      results = { ...results, [name]: { status: result.status, output: `${result.stdout}\n${result.stderr}` } };
    };
    await apply("create", stack(creations));
    scenario.use(stack({ deployed }));
    await scenario.apply();
    await apply("remove boundary", stack({ deployed: { ...deployed, permissionsBoundaryArn: undefined } }));
    await apply("swap boundary", stack({ deployed: { ...deployed, permissionsBoundaryArn: OTHER_BOUNDARY } }));
  });

  afterAll(() => scenario?.stop());

  it("fails to create a role without the boundary, with another one, outside the prefix or outside the path, with AccessDenied", () => {
    expect(results.create.status).toBe(1);
    for (const name of Object.values(creations).map((props) => props.roleName)) {
      expect(results.create.output).toMatch(new RegExp(`AccessDenied[\\s\\S]*iam:CreateRole on resource: arn:aws:iam::${ACCOUNT}:role/(messaging/)?${name}`));
    }
    expect(denials(scenario).filter((action) => action === "iam:CreateRole")).toHaveLength(4);
  });

  it("leaves nothing half-made: no role but the deployed one, and no policy on it but its own", () => {
    expect(scenario.endpoint.roles().map((role) => role.name)).toEqual([`${PREFIX}deployed`]);
    expect([...scenario.endpoint.roles()[0].policies.keys()]).toEqual(["PinpointUsesSESForEmailSends"]);
  });

  it("fails to remove the deployed role's boundary, or swap it for another, and the role keeps it", () => {
    expect(results["remove boundary"]).toMatchObject({ status: 1, output: expect.stringMatching(/AccessDenied[\s\S]*iam:DeleteRolePermissionsBoundary/) });
    expect(results["swap boundary"]).toMatchObject({ status: 1, output: expect.stringMatching(/AccessDenied[\s\S]*iam:PutRolePermissionsBoundary/) });
    expect(scenario.endpoint.role(`${PREFIX}deployed`)?.permissionsBoundary).toBe(BOUNDARY);
  });
});
