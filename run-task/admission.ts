/**
 * What the server does with a request body, decided before any work and
 * without I/O: refuse it (with the status and why), answer Terraform Cloud's
 * verification request, or run the task. Checks in order: signature, JSON,
 * fields, origins; the first that fails decides.
 */
import { OriginError, requireTfcOrigin } from "./outbound";
import { checkRunTaskRequest, isVerificationRequest, parseBody, RequestError, RunTaskRequest } from "./protocol";
import { verifySignature } from "./signature";

export type Admission =
  | { readonly kind: "refuse"; readonly status: 400 | 401 | 422; readonly reason: string }
  | { readonly kind: "verification" }
  | { readonly kind: "run"; readonly request: RunTaskRequest };

export interface AdmissionRules {
  /** The HMAC key; undefined when the server runs with --insecure-no-hmac. */
  readonly hmacKey: string | undefined;
  /** The Terraform Cloud origin every URL of the request must be on. */
  readonly tfcOrigin: string;
}

/** Decides about a raw request body and its X-TFC-Task-Signature header. */
export function admit(body: Buffer, signature: string | undefined, rules: AdmissionRules): Admission {
  if (rules.hmacKey !== undefined && !verifySignature(body, signature, rules.hmacKey)) {
    return { kind: "refuse", status: 401, reason: signature
      ? "the X-TFC-Task-Signature does not match the body" : "the request is not signed (no X-TFC-Task-Signature)" };
  }
  if (rules.hmacKey === undefined && signature) {
    return { kind: "refuse", status: 400, reason: "the request is signed but this server has no HMAC key (set RUN_TASK_HMAC_KEY)" };
  }
  try {
    const json = parseBody(body.toString("utf8"));
    if (isVerificationRequest(json)) return { kind: "verification" };
    const request = checkRunTaskRequest(json);
    requireTfcOrigin(request.task_result_callback_url, "task_result_callback_url", rules.tfcOrigin);
    if (request.plan_json_api_url) requireTfcOrigin(request.plan_json_api_url, "plan_json_api_url", rules.tfcOrigin);
    return { kind: "run", request };
  } catch (error) {
    if (error instanceof RequestError) return { kind: "refuse", status: 400, reason: error.message };
    if (error instanceof OriginError) return { kind: "refuse", status: 422, reason: error.message };
    throw error;
  }
}
