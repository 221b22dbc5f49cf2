/**
 * The run task request, as HashiCorp's "Run tasks integration API" documents it (payload version 1), and its
 * admission: signature, JSON, fields and origins are checked before any work, in that order; the first that fails refuses it.
 */
import { createHmac, timingSafeEqual } from "crypto";
import { isObject, parseJson } from "../review/policy";

/** The fields of the request body that this server reads. */
export interface RunTaskRequest {
  readonly stage: string;
  readonly access_token: string;
  readonly capabilities?: { readonly outcomes?: boolean };
  readonly organization_name?: string;
  readonly plan_json_api_url?: string;
  readonly run_id: string;
  readonly task_result_callback_url: string;
  readonly task_result_enforcement_level?: string;
  readonly workspace_name?: string;
}

/**
 * The fields of an admitted request that the server reads, and no others (`capabilities` as `{ outcomes }`): what the
 * HTTP thread hands to the main thread with a run, and what the run holds while it waits.
 */
export function fieldsRead(request: RunTaskRequest): RunTaskRequest {
  const { stage, access_token, capabilities, organization_name, plan_json_api_url, run_id, task_result_callback_url,
    task_result_enforcement_level, workspace_name } = request;
  return {
    stage, access_token, capabilities: { outcomes: capabilities?.outcomes === true }, organization_name, plan_json_api_url, run_id,
    task_result_callback_url, task_result_enforcement_level, workspace_name,
  };
}

/** The stages whose request carries `plan_json_api_url`. */
export const PLAN_STAGES: ReadonlySet<string> = new Set(["post_plan", "pre_apply", "post_apply"]);

/** A request (or URL) this server refuses: the HTTP status to answer, and why. */
export class Refusal extends Error {
  constructor(readonly status: number, reason: string, readonly runId?: string) {
    super(reason);
  }
}

/** The `X-TFC-Task-Signature` Terraform Cloud sends for `body` under `key`: HMAC-SHA512, hexadecimal. */
export function sign(body: Buffer | string, key: string): string {
  return createHmac("sha512", key).update(body).digest("hex");
}

/** Whether `header` is the signature of the raw `body` under `key`, compared in constant time. */
export function verifySignature(body: Buffer, header: string | undefined, key: string): boolean {
  if (!header) return false;
  const expected = Buffer.from(sign(body, key), "utf8");
  const given = Buffer.from(header.trim().toLowerCase(), "utf8");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * `url` as it may appear in a log line or an answer: scheme, host, port and path only. The user name, password, query
 * (a pre-signed URL's signature) and fragment are never shown.
 */
export function showUrl(url: string): string {
  if (!URL.canParse(url)) return "(not a URL)";
  const { protocol, host, pathname } = new URL(url);
  return `${protocol}//${host}${pathname}`;
}

/** The origin of `url`, or a 422 Refusal naming `what` when it is not an http(s) URL. */
export function originOf(url: string, what: string): string {
  if (!URL.canParse(url)) throw new Refusal(422, `${what} is not a URL`);
  const { protocol, origin } = new URL(url);
  if (protocol !== "https:" && protocol !== "http:") throw new Refusal(422, `${what} is not an http(s) URL (its scheme is ${protocol})`);
  return origin;
}

/**
 * What makes an http(s) `url` unfit to call, wherever it points: a user name or password (sent as a Basic
 * credential, and shown wherever the URL is), or a fragment (which no Terraform Cloud URL has). Undefined if neither.
 */
export function urlFlaw(url: string): string | undefined {
  const { username, password } = new URL(url);
  if (username !== "" || password !== "") return "carries a user name or password";
  // A bare "#" leaves URL.hash empty, so look at the text.
  if (url.includes("#")) return "has a fragment (#)";
  return undefined;
}

/**
 * Checks that `url` may be called: an http(s) URL on `origin` (scheme, host and port), without a user name, password
 * or fragment. Throws a 422 Refusal whose message holds no user name, password, query or fragment.
 */
export function checkUrl(url: string, what: string, origin: string): void {
  const actual = originOf(url, what);
  const flaw = urlFlaw(url);
  if (flaw) throw new Refusal(422, `${what} ${flaw}; it must not`);
  if (actual !== origin) throw new Refusal(422, `${what} ${showUrl(url)} is not on the Terraform Cloud origin ${origin}`);
}

/**
 * The request in a raw body signed with `signature`, or "verification" for the
 * request Terraform Cloud sends when the task is created (its token is
 * `test-token`; answered 200, nothing fetched). Throws a Refusal: 401 for a
 * missing or wrong signature (400 for a signed request to a server without a
 * key), 400 for a body that is not a request, 422 for a URL off the Terraform Cloud origin or carrying a user name,
 * password or fragment.
 */
export function admit(body: Buffer, signature: string | undefined,
  rules: { readonly hmacKey: string | undefined; readonly tfcOrigin: string }): RunTaskRequest | "verification" {
  if (rules.hmacKey !== undefined && !verifySignature(body, signature, rules.hmacKey)) {
    throw new Refusal(401, signature
      ? "the X-TFC-Task-Signature does not match the body" : "the request is not signed (no X-TFC-Task-Signature)");
  }
  if (rules.hmacKey === undefined && signature) {
    throw new Refusal(400, "the request is signed but this server has no HMAC key (set RUN_TASK_HMAC_KEY)");
  }
  const json = parseJson(body.toString("utf8"), (problem) => new Refusal(400, `the body is ${problem}`));
  if (!isObject(json)) throw new Refusal(400, "the body is not a JSON object");
  if (json.access_token === "test-token") return "verification";
  if (json.payload_version !== 1) {
    throw new Refusal(400, `payload_version is ${JSON.stringify(json.payload_version)}; this server reads version 1`);
  }
  const plan = PLAN_STAGES.has(json.stage as string) ? ["plan_json_api_url"] : [];
  for (const field of ["stage", "access_token", "run_id", "task_result_callback_url", ...plan]) {
    const value = json[field];
    if (typeof value !== "string" || value === "") {
      throw new Refusal(400, `${field} is ${value === undefined ? "missing" : JSON.stringify(value)}; expected a non-empty string`);
    }
  }
  for (const field of ["task_result_callback_url", "plan_json_api_url"]) {
    const url = json[field];
    if (typeof url === "string" && url !== "") checkUrl(url, field, rules.tfcOrigin);
  }
  return json as unknown as RunTaskRequest;
}
