/**
 * Every request the server makes, and the boundary around them: only to the
 * Terraform Cloud origin (and, for the plan's redirect, the origins allowed
 * for it), each with a timeout, the bearer token only to Terraform Cloud.
 */

/** A URL this server refuses to call; the message names it and the rule. */
export class OriginError extends Error {}

/** A call that failed (status, timeout, too large); the message says which. */
export class OutboundError extends Error {
  constructor(message: string, readonly retryable: boolean) {
    super(message);
  }
}

export interface OutboundOptions {
  /** Terraform Cloud's origin (`https://app.terraform.io`): plan and callback URLs must be on it. */
  readonly tfcOrigin: string;
  /** Other origins the plan download may be redirected to (no token is sent there). */
  readonly redirectOrigins: readonly string[];
  /** Time limit of each request. */
  readonly timeoutMs: number;
  /** Largest plan JSON read. */
  readonly maxPlanBytes: number;
  /** Callback attempts in all (the first and its retries). */
  readonly callbackAttempts: number;
  /** Wait before the first retry; doubled each time. */
  readonly backoffMs: number;
}

/** The origin of `url`, or an OriginError naming `what` when it is not an http(s) URL. */
export function originOf(url: string, what: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new OriginError(`${what} ${JSON.stringify(url)} is not a URL`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new OriginError(`${what} ${url} is not an http(s) URL`);
  return parsed.origin;
}

/** Throws an OriginError unless `url` is on Terraform Cloud's origin. */
export function requireTfcOrigin(url: string, what: string, tfcOrigin: string): void {
  const origin = originOf(url, what);
  if (origin !== tfcOrigin) throw new OriginError(`${what} ${url} is not on the Terraform Cloud origin ${tfcOrigin}`);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Reads a response body, refusing one larger than `limit` bytes. */
async function readLimited(response: Response, limit: number, what: string): Promise<string> {
  const declared = Number(response.headers.get("content-length") ?? NaN);
  if (declared > limit) throw new OutboundError(`${what} is ${declared} bytes; the limit is ${limit}`, false);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body ?? []) {
    size += chunk.length;
    if (size > limit) throw new OutboundError(`${what} is over ${limit} bytes`, false);
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks).toString("utf8");
}

function retryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Seconds of a Retry-After header, if it gives a number. */
function retryAfterMs(response: Response): number | undefined {
  const seconds = Number(response.headers.get("retry-after"));
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

export class TerraformCloudClient {
  /** Aborts every request under way, at the end of a shutdown. */
  private readonly shutdown = new AbortController();

  constructor(readonly options: OutboundOptions) {}

  /** Aborts the requests under way and any made later (they fail as not retryable). */
  abortAll(): void {
    this.shutdown.abort();
  }

  /** One request with a timeout; network failures and timeouts are retryable OutboundErrors. */
  private async send(url: string, init: RequestInit, what: string): Promise<Response> {
    if (this.shutdown.signal.aborted) throw new OutboundError(`${what}: the server is stopping`, false);
    const signal = AbortSignal.any([AbortSignal.timeout(this.options.timeoutMs), this.shutdown.signal]);
    try {
      return await fetch(url, { ...init, redirect: "manual", signal });
    } catch (error) {
      if (this.shutdown.signal.aborted) throw new OutboundError(`${what}: the server is stopping`, false);
      const reason = (error as Error).name === "TimeoutError" ? `no answer in ${this.options.timeoutMs} ms` : (error as Error).message;
      throw new OutboundError(`${what}: ${reason}`, true);
    }
  }

  /**
   * The plan JSON: GET `planUrl` with the token, then follow its temporary
   * redirect (Terraform Cloud answers 307 with a short-lived, pre-signed URL)
   * without the token unless it stays on Terraform Cloud's origin.
   */
  async fetchPlan(planUrl: string, token: string): Promise<string> {
    const { tfcOrigin, redirectOrigins } = this.options;
    requireTfcOrigin(planUrl, "plan_json_api_url", tfcOrigin);
    let url = planUrl;
    for (let hop = 0; hop <= 3; hop++) {
      const onTfc = originOf(url, "plan URL") === tfcOrigin;
      const headers: Record<string, string> = onTfc ? { Authorization: `Bearer ${token}` } : {};
      const response = await this.send(url, { method: "GET", headers }, "plan download");
      if (response.status >= 300 && response.status < 400) {
        await response.body?.cancel();
        const location = response.headers.get("location");
        if (!location) throw new OutboundError(`plan download: ${response.status} without a Location`, false);
        const next = new URL(location, url).toString();
        const origin = originOf(next, "plan redirect");
        if (origin !== tfcOrigin && !redirectOrigins.includes(origin)) {
          throw new OriginError(`plan redirect to ${origin} is not allowed (allowed: ${[tfcOrigin, ...redirectOrigins].join(", ")}; ` +
            "add one with --allow-redirect-origin)");
        }
        url = next;
        continue;
      }
      if (response.status === 204) throw new OutboundError("plan download: 204, the plan has not finished", false);
      if (response.status !== 200) {
        await response.body?.cancel();
        throw new OutboundError(`plan download: HTTP ${response.status}`, retryableStatus(response.status));
      }
      return readLimited(response, this.options.maxPlanBytes, "the plan JSON");
    }
    throw new OutboundError("plan download: more than 3 redirects", false);
  }

  /**
   * PATCHes the result to the callback URL, retrying 429, 5xx, network errors
   * and timeouts with exponential backoff (or the server's Retry-After).
   * Returns how many attempts it took.
   */
  async sendResult(callbackUrl: string, token: string, body: unknown): Promise<number> {
    requireTfcOrigin(callbackUrl, "task_result_callback_url", this.options.tfcOrigin);
    const text = JSON.stringify(body);
    for (let attempt = 1; ; attempt++) {
      let wait = this.options.backoffMs * 2 ** (attempt - 1);
      try {
        const response = await this.send(callbackUrl, {
          method: "PATCH",
          headers: { "Content-Type": "application/vnd.api+json", Authorization: `Bearer ${token}` },
          body: text,
        }, "callback");
        await response.body?.cancel();
        if (response.status >= 200 && response.status < 300) return attempt;
        if (!retryableStatus(response.status)) throw new OutboundError(`callback: HTTP ${response.status}`, false);
        wait = Math.min(retryAfterMs(response) ?? wait, 30_000);
        if (attempt >= this.options.callbackAttempts) throw new OutboundError(`callback: HTTP ${response.status} after ${attempt} attempts`, true);
      } catch (error) {
        if (!(error instanceof OutboundError) || !error.retryable || attempt >= this.options.callbackAttempts) throw error;
      }
      await sleep(wait);
    }
  }
}
