/**
 * The scenarios' IAM client reads roles whole through the API (across
 * pages), and changes them out of band without counting as the provider's
 * calls. (Following sts:AssumeRole into another account is proven on moto, in
 * __tests__/terraform/update.test.ts.)
 */
import { LocalAwsEndpoint } from "./aws-endpoint";
import { IamApiError, IamClient } from "./iam-client";

let endpoint: LocalAwsEndpoint;
let iam: IamClient;

beforeEach(async () => {
  endpoint = await LocalAwsEndpoint.start({ account: "111122223333" });
  iam = new IamClient(endpoint.url);
});

afterEach(() => endpoint.stop());

const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "pinpoint.amazonaws.com" }, Action: "sts:AssumeRole" }] });
const send = (sid: string) => JSON.stringify({ Version: "2012-10-17", Statement: [{ Sid: sid, Effect: "Allow", Action: "ses:SendEmail", Resource: "*" }] });

describe("IamClient", () => {
  it("reads a role whole: documents, boundary, tags, and every inline and attached policy across pages", async () => {
    await iam.call("CreatePolicy", { PolicyName: "boundary", PolicyDocument: send("B") });
    const boundary = "arn:aws:iam::111122223333:policy/boundary";
    await iam.call("CreateRole", {
      RoleName: "sender", Path: "/messaging/", AssumeRolePolicyDocument: trust, Description: "a & b",
      PermissionsBoundary: boundary, "Tags.member.1.Key": "team", "Tags.member.1.Value": "mail",
    });
    for (const name of ["a", "b", "c"]) await iam.call("PutRolePolicy", { RoleName: "sender", PolicyName: name, PolicyDocument: send(name) });
    await iam.call("AttachRolePolicy", { RoleName: "sender", PolicyArn: boundary });
    const role = await iam.role("sender");
    expect(role).toMatchObject({
      name: "sender", path: "/messaging/", arn: "arn:aws:iam::111122223333:role/messaging/sender", assumeRolePolicy: trust,
      description: "a & b", maxSessionDuration: 3600, permissionsBoundary: boundary, attachedPolicies: [boundary],
    });
    expect(Object.fromEntries(role!.tags)).toEqual({ team: "mail" });
    expect(Object.fromEntries(role!.policies)).toEqual({ a: send("a"), b: send("b"), c: send("c") });
  });

  it("lists every role across pages, answers undefined for a missing one, and raises IAM's error code otherwise", async () => {
    for (const name of ["r1", "r2", "r3"]) await iam.call("CreateRole", { RoleName: name, AssumeRolePolicyDocument: trust });
    expect((await iam.roles()).map((role) => role.name)).toEqual(["r1", "r2", "r3"]);
    expect(await iam.role("missing")).toBeUndefined();
    await expect(iam.call("CreateRole", { RoleName: "r1", AssumeRolePolicyDocument: trust })).rejects.toThrow(IamApiError);
  });

  it("is not counted among the provider's calls", async () => {
    await iam.call("CreateRole", { RoleName: "r1", AssumeRolePolicyDocument: trust });
    await iam.roles();
    expect(endpoint.calls).toEqual([]);
  });
});
