/**
 * A tiny IAM Query-protocol client for the scenarios: what they assert about
 * IAM's contents they read through the IAM API, and what they change out of
 * band they change through it, so the same scenario holds against moto and
 * against the local endpoint.
 *
 * Requests carry a dummy SigV4 `Authorization` header: moto and the local
 * endpoint read the Region, service and access key from its credential scope
 * and check no signature. They also carry `x-pinpoint-ses-test: out-of-band`,
 * so the local endpoint does not count them as the provider's calls.
 */

/** A role as read through the API; the fields the scenarios compare. */
export interface RoleView {
  readonly name: string;
  readonly path: string;
  readonly id: string;
  readonly arn: string;
  readonly assumeRolePolicy: string;
  readonly description?: string;
  readonly maxSessionDuration: number;
  readonly permissionsBoundary?: string;
  readonly tags: Map<string, string>;
  /** Inline policies: name → document. */
  readonly policies: Map<string, string>;
  /** ARNs of the attached managed policies. */
  readonly attachedPolicies: readonly string[];
}

/** An error answer of the API. */
export class IamApiError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
  }
}

/** The header that marks a request as out of band (not the provider's). */
export const OUT_OF_BAND_HEADER = "x-pinpoint-ses-test";

const decode = (text: string) =>
  text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, "&");

/** The text of every `<name>` element directly holding text. */
function texts(body: string, name: string): string[] {
  return [...body.matchAll(new RegExp(`<${name}>([^<]*)</${name}>`, "g"))].map((match) => decode(match[1]));
}

const first = (body: string, name: string): string | undefined => texts(body, name)[0];

export class IamClient {
  /**
   * On moto, `accessKeyId` decides the account when it was created in one; `account` names the account outright
   * (moto's `x-moto-account-id` header), for the calls that set an account up. Any key works on the local endpoint.
   */
  constructor(readonly url: string, readonly accessKeyId = "local-test", readonly region = "us-east-1", readonly account?: string) {}

  /** The same client, signing for another Region (and so another partition). */
  inRegion(region: string): IamClient {
    return new IamClient(this.url, this.accessKeyId, region, this.account);
  }

  /** One Query call; the answer's body, or an IamApiError with the answer's code. */
  async call(action: string, params: { [name: string]: string } = {}, service = "iam"): Promise<string> {
    const response = await fetch(this.url, {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Authorization: `AWS4-HMAC-SHA256 Credential=${this.accessKeyId}/20250101/${this.region}/${service}/aws4_request, ` +
          "SignedHeaders=content-type;host, Signature=0000",
        [OUT_OF_BAND_HEADER]: "out-of-band",
        ...(this.account ? { "x-moto-account-id": this.account } : {}),
      },
      body: new URLSearchParams({ Action: action, Version: service === "sts" ? "2011-06-15" : "2010-05-08", ...params }),
      signal: AbortSignal.timeout(30_000),
    });
    const body = await response.text();
    if (!response.ok) {
      throw new IamApiError(first(body, "Code") ?? String(response.status), `${action}: ${first(body, "Message") ?? body}`);
    }
    return body;
  }

  /** Every page of a list: the `member` texts of `field` (or whole members when `field` is undefined). */
  async list(action: string, params: { [name: string]: string }, field: string): Promise<string[]> {
    const items: string[] = [];
    let marker: string | undefined;
    for (let page = 0; page < 100; page++) {
      const body = await this.call(action, { ...params, ...(marker ? { Marker: marker } : {}) });
      items.push(...texts(body, field));
      if (first(body, "IsTruncated") !== "true") return items;
      marker = first(body, "Marker");
    }
    throw new Error(`${action} did not stop paging after 100 pages`);
  }

  /** A client acting as a session of `roleArn` (sts:AssumeRole): in that role's account. */
  async assumeRole(roleArn: string): Promise<IamClient> {
    const body = await this.call("AssumeRole", { RoleArn: roleArn, RoleSessionName: "pinpoint-ses-test" }, "sts");
    return new IamClient(this.url, first(body, "AccessKeyId") ?? "", this.region);
  }

  async callerAccount(): Promise<string> {
    return first(await this.call("GetCallerIdentity", {}, "sts"), "Account") ?? "";
  }

  /** The role of that name, read whole; undefined when IAM answers NoSuchEntity. */
  async role(name: string): Promise<RoleView | undefined> {
    let body: string;
    try {
      body = await this.call("GetRole", { RoleName: name });
    } catch (error) {
      if (error instanceof IamApiError && error.code === "NoSuchEntity") return undefined;
      throw error;
    }
    const role = /<Role>([\s\S]*)<\/Role>/.exec(body)?.[1] ?? "";
    const tagKeys = texts(role, "Key");
    const tagValues = texts(role, "Value");
    const policyNames = await this.list("ListRolePolicies", { RoleName: name }, "member");
    const policies = new Map<string, string>();
    for (const policyName of policyNames) {
      const document = first(await this.call("GetRolePolicy", { RoleName: name, PolicyName: policyName }), "PolicyDocument") ?? "";
      policies.set(policyName, decodeURIComponent(document));
    }
    const boundary = /<PermissionsBoundary>[\s\S]*?<PermissionsBoundaryArn>([^<]*)</.exec(role)?.[1];
    return {
      name: first(role, "RoleName") ?? name,
      path: first(role, "Path") ?? "/",
      id: first(role, "RoleId") ?? "",
      arn: first(role, "Arn") ?? "",
      assumeRolePolicy: decodeURIComponent(first(role, "AssumeRolePolicyDocument") ?? ""),
      description: first(role, "Description"),
      maxSessionDuration: Number(first(role, "MaxSessionDuration") ?? 3600),
      permissionsBoundary: boundary && decode(boundary),
      tags: new Map(tagKeys.map((key, index) => [key, tagValues[index]])),
      policies,
      attachedPolicies: await this.list("ListAttachedRolePolicies", { RoleName: name }, "PolicyArn"),
    };
  }

  /** Every role of the account, read whole. */
  async roles(): Promise<RoleView[]> {
    const names = await this.list("ListRoles", {}, "RoleName");
    return (await Promise.all(names.map((name) => this.role(name)))).filter((role): role is RoleView => role !== undefined);
  }
}
