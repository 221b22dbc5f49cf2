/**
 * The run task request, as HashiCorp's "Run tasks integration API" documents
 * it (payload version 1), and the check of the fields this server uses.
 */

/** The stages Terraform Cloud calls a run task at. */
export type Stage = "pre_plan" | "post_plan" | "pre_apply" | "post_apply";

/** The stages whose request carries `plan_json_api_url`. */
export const PLAN_STAGES: ReadonlySet<string> = new Set(["post_plan", "pre_apply", "post_apply"]);

/**
 * The access token of the request Terraform Cloud sends when a run task is
 * created or its URL changed: it must be answered 200 and nothing else done.
 */
export const VERIFICATION_TOKEN = "test-token";

/** The request body (every documented field; this server reads few of them). */
export interface RunTaskRequest {
  readonly payload_version: number;
  readonly stage: Stage;
  readonly access_token: string;
  readonly capabilities?: { readonly outcomes?: boolean };
  readonly configuration_version_download_url?: string | null;
  readonly configuration_version_id?: string;
  readonly is_speculative?: boolean;
  readonly organization_name?: string;
  readonly plan_json_api_url?: string;
  readonly run_app_url?: string;
  readonly run_created_at?: string;
  readonly run_created_by?: string;
  readonly run_id: string;
  readonly run_message?: string;
  readonly task_result_callback_url: string;
  readonly task_result_enforcement_level?: "mandatory" | "advisory" | string;
  readonly task_result_id?: string;
  readonly vcs_branch?: string | null;
  readonly vcs_commit_url?: string | null;
  readonly vcs_pull_request_url?: string | null;
  readonly vcs_repo_url?: string | null;
  readonly workspace_app_url?: string;
  readonly workspace_id?: string;
  readonly workspace_name?: string;
  readonly workspace_working_directory?: string;
}

/** A request this server cannot act on; the message names the field and what is wrong. */
export class RequestError extends Error {}

/** The verification request sent when the task is created: answered 200, nothing fetched. */
export function isVerificationRequest(body: unknown): boolean {
  return typeof body === "object" && body !== null && (body as { access_token?: unknown }).access_token === VERIFICATION_TOKEN;
}

function requiredString(body: { [key: string]: unknown }, field: string): string {
  const value = body[field];
  if (typeof value !== "string" || value === "") {
    throw new RequestError(`${field} is ${value === undefined ? "missing" : JSON.stringify(value)}; expected a non-empty string`);
  }
  return value;
}

/** The body as a JSON object; throws a RequestError when it is not one. */
export function parseBody(text: string): { [key: string]: unknown } {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    throw new RequestError(`the body is not JSON (${(error as Error).message})`);
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) throw new RequestError("the body is not a JSON object");
  return body as { [key: string]: unknown };
}

/** Checks the fields the server uses and returns the request; throws a RequestError naming the first bad one. */
export function checkRunTaskRequest(body: { [key: string]: unknown }): RunTaskRequest {
  if (body.payload_version !== 1) {
    throw new RequestError(`payload_version is ${JSON.stringify(body.payload_version)}; this server reads version 1`);
  }
  for (const field of ["stage", "access_token", "run_id", "task_result_callback_url"]) requiredString(body, field);
  if (PLAN_STAGES.has(body.stage as string)) requiredString(body, "plan_json_api_url");
  return body as unknown as RunTaskRequest;
}
