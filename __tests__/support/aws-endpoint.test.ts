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
async function call(action: string, params: { [name: string]: string } = {}, service = "iam", region = "us-east-1"): Promise<Answer> {
  const response = await fetch(endpoint.url, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Authorization: `AWS4-HMAC-SHA256 Credential=test/20250101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
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
    expect((await call("ListRoleTags", { RoleName: "sender" })).body).toContain("<Key>team</Key><Value>b</Value>");
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
    const answer = await call("AttachRolePolicy", { RoleName: "sender" });
    expect(error(answer)).toEqual({ status: 400, code: "NotImplementedByLocalEndpoint" });
    expect(field(answer, "Message")).toContain("iam:AttachRolePolicy");
    expect(endpoint.unimplemented).toEqual(["iam:AttachRolePolicy"]);
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
