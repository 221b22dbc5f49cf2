/**
 * The local IAM endpoint must behave as IAM does where the AWS provider
 * depends on it, or the lifecycle tests would prove nothing. Spoken to here
 * over HTTP, as the provider does, without terraform.
 */
import { LocalAwsEndpoint } from "./aws-endpoint";

let endpoint: LocalAwsEndpoint;

beforeEach(async () => {
  endpoint = await LocalAwsEndpoint.start({ account: "111122223333" });
});

afterEach(() => endpoint.stop());

interface Answer {
  readonly status: number;
  readonly body: string;
}

/** A Query-protocol call, with the SigV4 credential scope the endpoint reads service and Region from. */
async function call(action: string, params: { [name: string]: string } = {}, service = "iam", region = "us-east-1", key = "test"): Promise<Answer> {
  const response = await fetch(endpoint.url, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Authorization: `AWS4-HMAC-SHA256 Credential=${key}/20250101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: new URLSearchParams({ Action: action, Version: "2010-05-08", ...params }),
  });
  return { status: response.status, body: await response.text() };
}

/** The text of the first `<name>` element of an answer. */
const field = (answer: Answer, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(answer.body)?.[1];
const error = (answer: Answer) => ({ status: answer.status, code: field(answer, "Code") });

const statement = (extra: object = {}) => ({ Effect: "Allow", Action: "sts:AssumeRole", ...extra });
const trustPolicy = (sid = "") =>
  ({ Version: "2012-10-17", Statement: [statement({ Sid: sid, Principal: { Service: "pinpoint.amazonaws.com" } })] });
const identityPolicy = (sid = "") =>
  ({ Version: "2012-10-17", Statement: [{ Sid: sid, Effect: "Allow", Action: "ses:SendEmail", Resource: "*" }] });

/** A document of exactly `size` characters without whitespace, sent pretty-printed (with whitespace). */
function sized(make: (sid: string) => object, size: number): string {
  const base = JSON.stringify(make("")).length;
  return JSON.stringify(make("S".repeat(size - base)), null, 2);
}

const createRole = (name: string, params: { [name: string]: string } = {}) =>
  call("CreateRole", { RoleName: name, AssumeRolePolicyDocument: JSON.stringify(trustPolicy()), ...params });
const putRolePolicy = (role: string, name: string, document: string) =>
  call("PutRolePolicy", { RoleName: role, PolicyName: name, PolicyDocument: document });

describe("LocalAwsEndpoint as IAM", () => {
  it("creates a role with an IAM role id, an ARN that includes its path, and a creation date", async () => {
    const answer = await createRole("sender", { Path: "/service-role/" });
    expect(answer.status).toBe(200);
    expect(field(answer, "RoleId")).toMatch(/^AROA[A-Z2-7]{17}$/);
    expect(field(answer, "Arn")).toBe("arn:aws:iam::111122223333:role/service-role/sender");
    expect(field(answer, "CreateDate")).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  });

  it("puts the partition of the signing Region into the role's ARN", async () => {
    expect(field(await createRole("sender", {}), "Arn")).toMatch(/^arn:aws:/);
    const answer = await call("CreateRole",
      { RoleName: "gov", AssumeRolePolicyDocument: JSON.stringify(trustPolicy()) }, "iam", "us-gov-west-1");
    expect(field(answer, "Arn")).toBe("arn:aws-us-gov:iam::111122223333:role/gov");
  });

  it("returns policy documents URL-encoded, as sent", async () => {
    const trust = JSON.stringify(trustPolicy(), null, 4);
    await createRole("sender", { AssumeRolePolicyDocument: trust });
    await putRolePolicy("sender", "send", JSON.stringify(identityPolicy()));
    expect(field(await call("GetRole", { RoleName: "sender" }), "AssumeRolePolicyDocument")).toBe(encodeURIComponent(trust));
    expect(field(await call("GetRolePolicy", { RoleName: "sender", PolicyName: "send" }), "PolicyDocument"))
      .toBe(encodeURIComponent(JSON.stringify(identityPolicy())));
  });

  it("answers NoSuchEntity (404) for a role or inline policy that does not exist", async () => {
    expect(error(await call("GetRole", { RoleName: "missing" }))).toEqual({ status: 404, code: "NoSuchEntity" });
    await createRole("sender");
    expect(error(await call("GetRolePolicy", { RoleName: "sender", PolicyName: "missing" })))
      .toEqual({ status: 404, code: "NoSuchEntity" });
  });

  it("answers EntityAlreadyExists (409) for a role name taken in any case", async () => {
    await createRole("Sender");
    expect(error(await createRole("sender"))).toEqual({ status: 409, code: "EntityAlreadyExists" });
  });

  it("refuses to delete a role that still has an inline policy with DeleteConflict (409)", async () => {
    await createRole("sender");
    await putRolePolicy("sender", "send", JSON.stringify(identityPolicy()));
    expect(error(await call("DeleteRole", { RoleName: "sender" }))).toEqual({ status: 409, code: "DeleteConflict" });
    await call("DeleteRolePolicy", { RoleName: "sender", PolicyName: "send" });
    expect((await call("DeleteRole", { RoleName: "sender" })).status).toBe(200);
    expect(endpoint.roles()).toEqual([]);
  });

  it.each([
    ["text that is not JSON", "trust", "{not json"],
    ["a document without statements", "trust", JSON.stringify({ Version: "2012-10-17", Statement: [] })],
    ["an unknown Version", "trust", JSON.stringify({ ...trustPolicy(), Version: "2020-01-01" })],
    ["a trust policy without a principal", "trust", JSON.stringify({ Statement: [statement()] })],
    ["an inline policy with a principal", "inline", JSON.stringify(trustPolicy())],
    ["an inline policy without resources", "inline", JSON.stringify({ Statement: [statement()] })],
  ])("answers MalformedPolicyDocument (400) for %s", async (_name, kind, document) => {
    await createRole("sender");
    const answer = kind === "trust"
      ? await call("UpdateAssumeRolePolicy", { RoleName: "sender", PolicyDocument: document })
      : await putRolePolicy("sender", "send", document);
    expect(error(answer)).toEqual({ status: 400, code: "MalformedPolicyDocument" });
  });

  it("accepts a trust policy of 2,048 characters and refuses 2,049 with LimitExceeded, whitespace not counted", async () => {
    expect((await createRole("fits", { AssumeRolePolicyDocument: sized(trustPolicy, 2048) })).status).toBe(200);
    expect(error(await createRole("too-big", { AssumeRolePolicyDocument: sized(trustPolicy, 2049) })))
      .toEqual({ status: 409, code: "LimitExceeded" });
  });

  it("limits a role's inline policies to 10,240 characters in all, counting a replaced policy once", async () => {
    await createRole("sender");
    expect((await putRolePolicy("sender", "a", sized(identityPolicy, 6000))).status).toBe(200);
    expect((await putRolePolicy("sender", "b", sized(identityPolicy, 4240))).status).toBe(200);
    expect(error(await putRolePolicy("sender", "b", sized(identityPolicy, 4241))))
      .toEqual({ status: 409, code: "LimitExceeded" });
    expect((await putRolePolicy("sender", "a", sized(identityPolicy, 6000))).status).toBe(200);
    expect(endpoint.role("sender")!.policies.get("b")).toBe(sized(identityPolicy, 4240));
  });

  it("adds, replaces and removes tags", async () => {
    await createRole("sender", { "Tags.member.1.Key": "team", "Tags.member.1.Value": "a" });
    await call("TagRole", { RoleName: "sender", "Tags.member.1.Key": "team", "Tags.member.1.Value": "b",
      "Tags.member.2.Key": "stage", "Tags.member.2.Value": "test" });
    await call("UntagRole", { RoleName: "sender", "TagKeys.member.1": "stage" });
    expect(Object.fromEntries(endpoint.role("sender")!.tags)).toEqual({ team: "b" });
    expect((await call("GetRole", { RoleName: "sender" })).body).toContain("<Key>team</Key><Value>b</Value>");
  });
});

describe("LocalAwsEndpoint test controls", () => {
  it.each([
    ["Throttling", 400],
    ["ServiceFailure", 500],
  ] as const)("fails the nth call of an action with %s (%i), as many times as asked", async (code, status) => {
    endpoint.failCalls("iam:GetRole", { code, nth: 2, times: 2 });
    await createRole("sender");
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push(error(await call("GetRole", { RoleName: "sender" })));
    expect(statuses).toEqual([
      { status: 200, code: undefined },
      { status, code },
      { status, code },
      { status: 200, code: undefined },
    ]);
    expect(endpoint.calls.map((c) => c.status)).toEqual([200, 200, status, status, 200]);
  });

  it("answers an action it does not implement with an error that names it, and records it", async () => {
    const answer = await call("CreateUser", { UserName: "sender" });
    expect(error(answer)).toEqual({ status: 400, code: "NotImplementedByLocalEndpoint" });
    expect(field(answer, "Message")).toContain("iam:CreateUser");
    expect(endpoint.unimplemented).toEqual(["iam:CreateUser"]);
  });

  it("lets a test change a role out of band, through IAM's checks or straight in its state", async () => {
    endpoint.invoke("iam", "CreateRole", { RoleName: "console", AssumeRolePolicyDocument: JSON.stringify(trustPolicy()) });
    expect(() => endpoint.invoke("iam", "PutRolePolicy", { RoleName: "console", PolicyName: "p", PolicyDocument: "{" }))
      .toThrow(/invalid Json/);
    endpoint.role("console")!.description = "changed by hand";
    expect(field(await call("GetRole", { RoleName: "console" }), "Description")).toBe("changed by hand");
    expect(endpoint.actions()).toEqual(["iam:GetRole"]);
  });

  it("answers STS GetCallerIdentity with its account", async () => {
    const answer = await call("GetCallerIdentity", {}, "sts");
    expect(field(answer, "Account")).toBe("111122223333");
  });
});

const BOUNDARY = "arn:aws:iam::111122223333:policy/boundary";
const createBoundary = () => call("CreatePolicy", { PolicyName: "boundary", PolicyDocument: JSON.stringify(identityPolicy()) });

describe("LocalAwsEndpoint as IAM, strictly", () => {
  it("refuses a permissions boundary that names no existing policy with NoSuchEntity, and accepts one that does", async () => {
    expect(error(await createRole("sender", { PermissionsBoundary: BOUNDARY }))).toEqual({ status: 404, code: "NoSuchEntity" });
    await createBoundary();
    expect((await createRole("sender", { PermissionsBoundary: BOUNDARY })).status).toBe(200);
    await createRole("other");
    expect(error(await call("PutRolePermissionsBoundary", { RoleName: "other", PermissionsBoundary: `${BOUNDARY}-missing` })))
      .toEqual({ status: 404, code: "NoSuchEntity" });
    expect(endpoint.role("other")!.permissionsBoundary).toBeUndefined();
  });

  it("attaches and detaches managed policies, and refuses to delete a role that still has one attached", async () => {
    await createBoundary();
    await createRole("sender");
    expect(error(await call("AttachRolePolicy", { RoleName: "sender", PolicyArn: `${BOUNDARY}-missing` }))).toEqual({ status: 404, code: "NoSuchEntity" });
    await call("AttachRolePolicy", { RoleName: "sender", PolicyArn: BOUNDARY });
    expect((await call("ListAttachedRolePolicies", { RoleName: "sender" })).body).toContain(`<PolicyArn>${BOUNDARY}</PolicyArn>`);
    expect(error(await call("DeleteRole", { RoleName: "sender" }))).toEqual({ status: 409, code: "DeleteConflict" });
    await call("DetachRolePolicy", { RoleName: "sender", PolicyArn: BOUNDARY });
    expect((await call("DeleteRole", { RoleName: "sender" })).status).toBe(200);
  });

  it("pages list results: two at a time with IsTruncated and a Marker, then the rest", async () => {
    await createRole("sender");
    for (const name of ["a", "b", "c"]) await putRolePolicy("sender", name, JSON.stringify(identityPolicy()));
    const first = await call("ListRolePolicies", { RoleName: "sender" });
    expect([field(first, "IsTruncated"), field(first, "Marker"), first.body.match(/<member>\w<\/member>/g)])
      .toEqual(["true", "2", ["<member>a</member>", "<member>b</member>"]]);
    const second = await call("ListRolePolicies", { RoleName: "sender", Marker: "2" });
    expect([field(second, "IsTruncated"), field(second, "Marker"), second.body.match(/<member>\w<\/member>/g)])
      .toEqual(["false", undefined, ["<member>c</member>"]]);
  });

  it("can hide a new role from its first reads, as IAM's eventual consistency does", async () => {
    endpoint.delayNewRoles(2);
    await createRole("sender");
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await call("GetRole", { RoleName: "sender" })).status);
    expect(statuses).toEqual([404, 404, 200]);
  });
});

const allowOnly = (statement: object) => [{ Version: "2012-10-17", Statement: [statement] }];

describe("LocalAwsEndpoint authorising as the caller", () => {
  it("answers AccessDenied (403) naming caller, action and resource when no identity policy allows the call", async () => {
    endpoint.authoriseAs(allowOnly({ Effect: "Allow", Action: "iam:GetRole", Resource: "*" }));
    endpoint.invoke("iam", "CreateRole", { RoleName: "sender", AssumeRolePolicyDocument: JSON.stringify(trustPolicy()) });
    expect((await call("GetRole", { RoleName: "sender" })).status).toBe(200);
    const denied = await createRole("other");
    expect(error(denied)).toEqual({ status: 403, code: "AccessDenied" });
    expect(field(denied, "Message")).toBe("User: arn:aws:iam::111122223333:user/local-test is not authorized to perform: " +
      "iam:CreateRole on resource: arn:aws:iam::111122223333:role/other because no identity-based policy allows the iam:CreateRole action");
    expect(endpoint.role("other")).toBeUndefined();
  });

  it("gives the condition iam:PermissionsBoundary the requested boundary on CreateRole and the role's own on later writes", async () => {
    await createBoundary();
    endpoint.authoriseAs(allowOnly({
      Effect: "Allow", Action: ["iam:CreateRole", "iam:PutRolePolicy"], Resource: "*",
      Condition: { StringEquals: { "iam:PermissionsBoundary": BOUNDARY } },
    }));
    expect(error(await createRole("unbounded"))).toEqual({ status: 403, code: "AccessDenied" });
    expect((await createRole("bounded", { PermissionsBoundary: BOUNDARY })).status).toBe(200);
    expect((await putRolePolicy("bounded", "p", JSON.stringify(identityPolicy()))).status).toBe(200);
    endpoint.invoke("iam", "CreateRole", { RoleName: "console", AssumeRolePolicyDocument: JSON.stringify(trustPolicy()) });
    expect(error(await putRolePolicy("console", "p", JSON.stringify(identityPolicy())))).toEqual({ status: 403, code: "AccessDenied" });
  });
});

describe("LocalAwsEndpoint as Pinpoint", () => {
  const APP = "0123456789abcdef0123456789abcdef";
  const rest = async (method: string, body?: object, app = APP) => {
    const response = await fetch(`${endpoint.url}/v1/apps/${app}/channels/email`, {
      method,
      headers: { Authorization: "AWS4-HMAC-SHA256 Credential=test/20250101/us-east-1/mobiletargeting/aws4_request, SignedHeaders=host, Signature=0" },
      body: body && JSON.stringify(body),
    });
    return { status: response.status, type: response.headers.get("x-amzn-errortype"), json: await response.json() };
  };
  const channel = { FromAddress: "news@example.com", Identity: "arn:aws:ses:us-east-1:111122223333:identity/example.com", Enabled: true };

  it("creates, reads, updates and deletes a project's email channel over REST-JSON", async () => {
    endpoint.addPinpointApp(APP);
    expect(await rest("GET")).toMatchObject({ status: 404, type: "NotFoundException" });
    expect(await rest("PUT", channel)).toMatchObject({ status: 200, json: { ...channel, ApplicationId: APP, Version: 1, Platform: "EMAIL" } });
    expect(await rest("PUT", { ...channel, Enabled: false })).toMatchObject({ json: { Enabled: false, Version: 2 } });
    expect((await rest("GET")).json).toMatchObject({ Enabled: false });
    expect((await rest("DELETE")).status).toBe(200);
    expect(endpoint.emailChannel(APP)).toBeUndefined();
    expect(endpoint.actions()).toEqual(["GetEmailChannel", "UpdateEmailChannel", "UpdateEmailChannel", "GetEmailChannel", "DeleteEmailChannel"]
      .map((action) => `mobiletargeting:${action}`));
  });

  it("answers NotFoundException for a project that does not exist", async () => {
    expect(await rest("PUT", channel, "f".repeat(32))).toMatchObject({ status: 404, type: "NotFoundException" });
  });

  it("authorises iam:PassRole to Pinpoint for the channel's orchestration sending role", async () => {
    endpoint.addPinpointApp(APP);
    const role = "arn:aws:iam::111122223333:role/sender";
    endpoint.authoriseAs(allowOnly({ Effect: "Allow", Action: "mobiletargeting:UpdateEmailChannel", Resource: "*" }));
    expect(await rest("PUT", { ...channel, OrchestrationSendingRoleArn: role })).toMatchObject({ status: 403, type: "AccessDeniedException" });
    endpoint.authoriseAs([{ Version: "2012-10-17", Statement: [
      { Effect: "Allow", Action: "mobiletargeting:UpdateEmailChannel", Resource: "*" },
      { Effect: "Allow", Action: "iam:PassRole", Resource: role, Condition: { StringEquals: { "iam:PassedToService": "pinpoint.amazonaws.com" } } },
    ] }]);
    expect((await rest("PUT", { ...channel, OrchestrationSendingRoleArn: role })).status).toBe(200);
  });
});
