/**
 * The requests the server makes, to URLs admission has put on the Terraform Cloud origin: the plan download,
 * redirected only to that origin or an allowed one (without the token), and the callback, retried.
 *
 * Each request ends within `timeoutMs`, always: one timer per request destroys it (socket, headers and body stream
 * alike) and is cleared when the request ends. The timer's closure holds the request itself, so nothing depends on an
 * AbortSignal staying alive: on Node 20, `AbortSignal.any([AbortSignal.timeout(ms), …])` stops firing once garbage
 * collection has run (nodejs/node#55428, nodejs/undici#4068), and fetch follows a signal through a weak reference.
 */
import * as http from "http";
import * as https from "https";
import { originOf, urlFlaw } from "./request";

/** A network failure or timeout: worth retrying, unlike an error status. */
export class NetworkError extends Error {}

/** The limits of outbound requests, and the shutdown's signal that ends every one of them. */
export interface OutboundOptions {
  /** Terraform Cloud's origin: the only one that gets the run's token. */
  readonly tfcOrigin: string;
  /** Other origins the plan download may be redirected to. */
  readonly redirectOrigins: readonly string[];
  /** Time limit of each request, from its start to the last byte of its answer. */
  readonly timeoutMs: number;
  readonly maxPlanBytes: number;
  /** Callback attempts in all. */
  readonly callbackAttempts: number;
  /** First retry wait, doubled each time. */
  readonly backoffMs: number;
  readonly shutdown: AbortSignal;
}

/** An answer, read to its end. */
interface Answer {
  readonly status: number;
  readonly location?: string;
  readonly retryAfter?: string;
  readonly body: Uint8Array;
}

/** The largest answer read from a callback (Terraform Cloud answers with no content, or a JSON:API error). */
const MAX_CALLBACK_ANSWER = 1024 * 1024;

/**
 * One request, read to the end of its answer (at most `maxBytes`), within `options.timeoutMs`. Rejects with a
 * NetworkError for a timeout or a network failure, and an Error for an answer over `maxBytes` or a shutdown.
 */
export function exchange(options: OutboundOptions, url: string,
  init: { readonly method: string; readonly headers: http.OutgoingHttpHeaders; readonly body?: string },
  maxBytes: number, what: string): Promise<Answer> {
  const { timeoutMs, shutdown } = options;
  return new Promise<Answer>((resolve, reject) => {
    if (shutdown.aborted) return reject(new Error(`${what}: the server is stopping`));
    const target = new URL(url);
    const body = init.body === undefined ? undefined : Buffer.from(init.body, "utf8");
    const request = (target.protocol === "https:" ? https : http).request(target, {
      method: init.method,
      headers: { ...init.headers, ...(body ? { "Content-Length": body.length } : {}) },
    });
    let done = false;
    const finish = (error: Error | undefined, answer?: Answer) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      shutdown.removeEventListener("abort", onShutdown);
      if (error) {
        request.destroy();
        reject(error);
      } else {
        resolve(answer!);
      }
    };
    const timer = setTimeout(() => finish(new NetworkError(`${what}: no answer in ${timeoutMs} ms`)), timeoutMs);
    const onShutdown = () => finish(new Error(`${what}: the server is stopping`));
    shutdown.addEventListener("abort", onShutdown);
    request.on("error", (error) => finish(new NetworkError(`${what}: ${error.message}`)));
    request.on("response", (response) => {
      const declared = Number(response.headers["content-length"] ?? NaN);
      const tooLarge = () => new Error(`${what}: the answer is over ${maxBytes} bytes`);
      if (declared > maxBytes) return finish(tooLarge());
      const chunks: Buffer[] = [];
      let size = 0;
      response.on("data", (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) return finish(tooLarge());
        chunks.push(chunk);
      });
      response.on("error", (error) => finish(new NetworkError(`${what}: ${error.message}`)));
      response.on("close", () => {
        if (!response.complete) finish(new NetworkError(`${what}: the connection closed before the answer ended`));
      });
      response.on("end", () => {
        // Its own memory, not a slice of Node's shared pool, so that it can be moved to a worker thread.
        const bytes = new Uint8Array(size);
        let offset = 0;
        for (const chunk of chunks) {
          bytes.set(chunk, offset);
          offset += chunk.length;
        }
        finish(undefined, {
          status: response.statusCode ?? 0,
          location: response.headers.location,
          retryAfter: response.headers["retry-after"],
          body: bytes,
        });
      });
    });
    request.end(body);
  });
}

/**
 * The plan JSON, as bytes: GET `planUrl` with the token, then follow its
 * temporary redirect (Terraform Cloud answers 307 with a short-lived,
 * pre-signed URL), at most 3 hops, without the token unless it stays on
 * Terraform Cloud's origin. A redirect is held to the rules of admission.
 */
export async function fetchPlan(options: OutboundOptions, planUrl: string, token: string): Promise<Uint8Array> {
  const { tfcOrigin, redirectOrigins, maxPlanBytes } = options;
  let url = planUrl;
  for (let hop = 0; hop <= 3; hop++) {
    const headers = new URL(url).origin === tfcOrigin ? { Authorization: `Bearer ${token}` } : {};
    const answer = await exchange(options, url, { method: "GET", headers }, maxPlanBytes, "plan download");
    if (answer.status === 200) return answer.body;
    if (answer.status === 204) throw new Error("plan download: 204, the plan has not finished");
    if (answer.status < 300 || answer.status >= 400) throw new Error(`plan download: HTTP ${answer.status}`);
    if (!answer.location) throw new Error(`plan download: ${answer.status} without a Location`);
    url = URL.canParse(answer.location, url) ? new URL(answer.location, url).toString() : answer.location;
    // Only the origin is ever shown: a pre-signed URL's path and query are its credential.
    const origin = originOf(url, "plan redirect");
    const flaw = urlFlaw(url);
    if (flaw) throw new Error(`plan redirect to ${origin} ${flaw}; it must not`);
    if (origin !== tfcOrigin && !redirectOrigins.includes(origin)) {
      throw new Error(`plan redirect to ${origin} is not allowed (allowed: ${[tfcOrigin, ...redirectOrigins].join(", ")}; ` +
        "add one with --allow-redirect-origin)");
    }
  }
  throw new Error(`plan download: more than 3 redirects (the last to ${new URL(url).origin})`);
}

/** What happened to a callback attempt that did not arrive: logged by the caller. */
export type RetryNote = { readonly attempt: number; readonly reason: string; readonly waitMs: number };

/**
 * PATCHes `json` (a task result's JSON text) to the callback URL, retrying 429, 5xx, network errors and
 * timeouts with exponential backoff (or the server's Retry-After, at most
 * 30 s), `attempts` attempts in all. Returns how many attempts it took.
 */
export async function sendResult(options: OutboundOptions, callbackUrl: string, token: string, json: string,
  attempts = options.callbackAttempts, onRetry: (note: RetryNote) => void = () => undefined): Promise<number> {
  const headers = { "Content-Type": "application/vnd.api+json", Authorization: `Bearer ${token}` };
  const init = { method: "PATCH", headers, body: json };
  for (let attempt = 1; ; attempt++) {
    let wait = options.backoffMs * 2 ** (attempt - 1);
    let reason: string;
    try {
      const answer = await exchange(options, callbackUrl, init, MAX_CALLBACK_ANSWER, "callback");
      if (answer.status >= 200 && answer.status < 300) return attempt;
      if (answer.status !== 429 && answer.status < 500) throw new Error(`callback: HTTP ${answer.status}`);
      if (attempt >= attempts) throw new Error(`callback: HTTP ${answer.status} after ${attempt} attempts`);
      const retryAfter = Number(answer.retryAfter ?? NaN);
      wait = Math.min(Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter * 1000 : wait, 30_000);
      reason = `callback: HTTP ${answer.status}`;
    } catch (error) {
      if (!(error instanceof NetworkError) || attempt >= attempts) throw error;
      reason = error.message;
    }
    onRetry({ attempt, reason, waitMs: wait });
    await new Promise((resolve) => setTimeout(resolve, wait));
  }
}
