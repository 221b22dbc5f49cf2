/**
 * The deployer policy builder on its own, and the `npm run deployer-policy`
 * command around it. (__tests__/terraform/deployer-lifecycle.test.ts proves the
 * policy against the calls the provider really makes.)
 */
import { main } from "../../deployer/cli";
import { deployerPolicy, DeployerPolicyOptions } from "../../deployer/policy";
import { CaseRequest, describeUnexpected, simulateCase } from "../../review/simulation";
import { ALL_OBSERVED_ACTIONS } from "../../deployer/observed-actions";
import { docExample } from "../support/doc-examples";

const ACCOUNT = "789012345678";
const BASE: DeployerPolicyOptions = {
  partition: "aws-us-gov",
  account: ACCOUNT,
  path: "/messaging/",
  roleNamePrefix: "pinpoint-",
  actions: ["iam:PutRolePolicy", "sts:GetCallerIdentity", "iam:CreateRole", "iam:PutRolePolicy"],
};
const ROLE = `arn:aws-us-gov:iam::${ACCOUNT}:role/messaging/pinpoint-sender`;

async function verdict(options: DeployerPolicyOptions, request: Omit<CaseRequest, "against" | "principal" | "resourceAccount">) {
  const outcome = await simulateCase(
    { title: request.action, expected: "Allowed", requests: [{ against: "role", principal: `arn:aws-us-gov:iam::${ACCOUNT}:user/deployer`, resourceAccount: ACCOUNT, ...request }] },
    { trust: undefined, permissions: [{ name: "deployer", document: deployerPolicy(options) }] });
  return outcome.passed ? "Allowed" : `Denied: ${describeUnexpected(outcome)}`;
}

async function run(args: string[]) {
  let stdout = "";
  let stderr = "";
  const code = await main(args, (text) => (stdout += text), (text) => (stderr += text));
  return { code, stdout, stderr };
}

describe("deployerPolicy", () => {
  it("scopes the IAM actions, sorted and each once, to the role's path and name prefix", () => {
    expect(deployerPolicy(BASE).Statement[0]).toEqual({
      Sid: "ManagePinpointSesSendingRole",
      Effect: "Allow",
      Action: ["iam:CreateRole", "iam:PutRolePolicy"],
      Resource: `arn:aws-us-gov:iam::${ACCOUNT}:role/messaging/pinpoint-*`,
    });
  });

  it("scopes them to one role when given the role's exact name", () => {
    const policy = deployerPolicy({ ...BASE, roleNamePrefix: undefined, roleName: "pinpoint-sender", path: "/" });
    expect(policy.Statement[0].Resource).toBe(`arn:aws-us-gov:iam::${ACCOUNT}:role/pinpoint-sender`);
  });

  it("allows the STS actions on * in a statement of their own", () => {
    expect(deployerPolicy(BASE).Statement[1]).toEqual({
      Sid: "ReadCallerIdentity", Effect: "Allow", Action: ["sts:GetCallerIdentity"], Resource: "*",
    });
  });

  it("adds iam:PassRole to Pinpoint only for the email channel", async () => {
    const withChannel = { ...BASE, passRoleToPinpoint: true };
    const passTo = (service: string) => ({ action: "iam:PassRole", resource: ROLE, context: { "iam:PassedToService": service } });
    expect(await verdict(withChannel, passTo("pinpoint.amazonaws.com"))).toBe("Allowed");
    expect(await verdict(withChannel, passTo("ec2.amazonaws.com"))).toMatch(/^Denied/);
    expect(await verdict(BASE, passTo("pinpoint.amazonaws.com"))).toMatch(/^Denied/);
    expect(deployerPolicy(BASE).Statement.map((statement) => statement.Sid)).toEqual(["ManagePinpointSesSendingRole", "ReadCallerIdentity"]);
  });

  it.each([
    { problem: "a partition that is not one", options: { partition: "amazon" }, message: /partition "amazon" is not a partition/ },
    { problem: "an account of 11 digits", options: { account: "12345678901" }, message: /account "12345678901" is not a 12-digit/ },
    { problem: "a path without its closing slash", options: { path: "/messaging" }, message: /path "\/messaging" is not/ },
    { problem: "both a name and a prefix", options: { roleName: "pinpoint-sender" }, message: /not both and not neither/ },
    { problem: "neither a name nor a prefix", options: { roleNamePrefix: undefined }, message: /not both and not neither/ },
    { problem: "a prefix with a space", options: { roleNamePrefix: "pin point" }, message: /"pin point" is not 1 to 64/ },
    { problem: "an action of another service", options: { actions: ["s3:GetObject"] }, message: /s3:GetObject are not IAM or STS actions/ },
  ])("rejects $problem", ({ options, message }) => {
    expect(() => deployerPolicy({ ...BASE, ...options } as DeployerPolicyOptions)).toThrow(message);
  });
});

describe("npm run deployer-policy", () => {
  it("prints the default stack's policy, of every action the lifecycle tests observed, as the README shows it", async () => {
    const result = await run(["--partition", "aws", "--account", "123456789012", "--role-name-prefix", "pinpoint-ses-sending-", "--path", "/"]);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
    const policy = JSON.parse(result.stdout);
    expect(policy.Statement.flatMap((statement: { Action: string[] }) => statement.Action).sort()).toEqual([...ALL_OBSERVED_ACTIONS].sort());
    expect(policy.Statement[0].Resource).toBe("arn:aws:iam::123456789012:role/pinpoint-ses-sending-*");
    expect(docExample("README.md", "deployer-policy")).toBe(result.stdout);
  });

  it("adds the PassRole statement with --email-channel", async () => {
    const result = await run(["--partition=aws-cn", `--account=${ACCOUNT}`, "--role-name=sender", "--email-channel"]);
    expect(JSON.parse(result.stdout).Statement[2]).toMatchObject({
      Action: "iam:PassRole",
      Resource: `arn:aws-cn:iam::${ACCOUNT}:role/sender`,
      Condition: { StringEquals: { "iam:PassedToService": "pinpoint.amazonaws.com" } },
    });
  });

  it.each([
    { problem: "a missing account", args: ["--partition=aws", "--role-name=r"], message: /^deployer-policy: --account is required; usage: deployer-policy/ },
    { problem: "an unknown option", args: ["--partition=aws", "--acount=1"], message: /^deployer-policy: unknown option --acount; usage: deployer-policy/ },
    { problem: "a value for --email-channel", args: ["--email-channel=yes"], message: /--email-channel takes no value/ },
  ])("exits 2 with one line for $problem", async ({ args, message }) => {
    const result = await run(args);
    expect(result).toEqual({ code: 2, stdout: "", stderr: expect.stringMatching(message) });
  });
});
