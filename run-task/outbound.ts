/**
 * The requests the server makes, each with a timeout, to URLs admission has put on the Terraform Cloud origin:
 * the plan download, redirected only to that origin or an allowed one (without the token), and the callback, retried.
 */
import { originOf } from "./request";
import type { ServerOptions } from "./server";

/** A network failure or timeout: worth retrying, unlike an error status. */
class NetworkError extends Error {}

/** The server's options with their defaults, Terraform Cloud's origin, and the shutdown's signal that aborts every request. */
export type OutboundOptions = { readonly tfcOrigin: string; readonly shutdown: AbortSignal } &
  Required<Pick<ServerOptions, "redirectOrigins" | "timeoutMs" | "maxPlanBytes" | "callbackAttempts" | "backoffMs">>;

async function send(options: OutboundOptions, url: string, init: RequestInit, what: string): Promise<Response> {
  try {
    const signal = AbortSignal.any([AbortSignal.timeout(options.timeoutMs), options.shutdown]);
    return await fetch(url, { ...init, redirect: "manual", signal });
  } catch (error) {
    if (options.shutdown.aborted) throw new Error(`${what}: the server is stopping`);
    const reason = (error as Error).name === "TimeoutError" ? `no answer in ${options.timeoutMs} ms` : (error as Error).message;
    throw new NetworkError(`${what}: ${reason}`);
  }
}

/**
 * The plan JSON: GET `planUrl` with the token, then follow its temporary
 * redirect (Terraform Cloud answers 307 with a short-lived, pre-signed URL),
 * at most 3 hops, without the token unless it stays on Terraform Cloud's origin.
 */
export async function fetchPlan(options: OutboundOptions, planUrl: string, token: string): Promise<string> {
  const { tfcOrigin, redirectOrigins, maxPlanBytes } = options;
  let url = planUrl;
  for (let hop = 0; hop <= 3; hop++) {
    const headers: Record<string, string> = new URL(url).origin === tfcOrigin ? { Authorization: `Bearer ${token}` } : {};
    const response = await send(options, url, { headers }, "plan download");
    if (response.status === 200) return readLimited(response, maxPlanBytes);
    await response.body?.cancel();
    if (response.status === 204) throw new Error("plan download: 204, the plan has not finished");
    if (response.status < 300 || response.status >= 400) throw new Error(`plan download: HTTP ${response.status}`);
    const location = response.headers.get("location");
    if (!location) throw new Error(`plan download: ${response.status} without a Location`);
    url = new URL(location, url).toString();
    const origin = originOf(url, "plan redirect");
    if (origin !== tfcOrigin && !redirectOrigins.includes(origin)) {
      throw new Error(`plan redirect to ${origin} is not allowed (allowed: ${[tfcOrigin, ...redirectOrigins].join(", ")}; ` +
        "add one with --allow-redirect-origin)");
    }
  }
  throw new Error("plan download: more than 3 redirects");
}

/**
 * PATCHes the result to the callback URL, retrying 429, 5xx, network errors
 * and timeouts with exponential backoff (or the server's Retry-After, at
 * most 30 s). Returns how many attempts it took.
 */
export async function sendResult(options: OutboundOptions, callbackUrl: string, token: string, body: unknown): Promise<number> {
  const { callbackAttempts, backoffMs } = options;
  const headers = { "Content-Type": "application/vnd.api+json", Authorization: `Bearer ${token}` };
  const init = { method: "PATCH", headers, body: JSON.stringify(body) };
  for (let attempt = 1; ; attempt++) {
    let wait = backoffMs * 2 ** (attempt - 1);
    try {
      const response = await send(options, callbackUrl, init, "callback");
      await response.body?.cancel();
      if (response.ok) return attempt;
      if (response.status !== 429 && response.status < 500) throw new Error(`callback: HTTP ${response.status}`);
      if (attempt >= callbackAttempts) throw new Error(`callback: HTTP ${response.status} after ${attempt} attempts`);
      const retryAfter = Number(response.headers.get("retry-after") ?? NaN);
      wait = Math.min(Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : wait, 30_000);
    } catch (error) {
      if (!(error instanceof NetworkError) || attempt >= callbackAttempts) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}

/** The body as text, refused when over `limit` bytes (declared or received). */
async function readLimited(response: Response, limit: number): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? NaN);
  if (declared > limit) throw new Error(`the plan JSON is ${declared} bytes; the limit is ${limit}`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.length;
    if (size > limit) throw new Error(`the plan JSON is over ${limit} bytes`);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString("utf8");
}
