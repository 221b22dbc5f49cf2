/**
 * A fake Terraform Cloud on 127.0.0.1 for the run task tests: it builds run
 * task requests as HashiCorp documents them, signs and sends them, serves
 * plan JSON the way Terraform Cloud does (a 307 from the API to a short-lived
 * URL on another origin, its "archivist"), and records every request it
 * receives, callbacks included. Callbacks can be made to answer 503, and
 * plan downloads and callbacks to stall (no answer, or half a body, never
 * finished: what a hung far end does).
 */
import * as http from "http";
import { randomBytes } from "crypto";
import { AddressInfo } from "net";
import { sign } from "../../run-task/request";

/** A request either origin of the fake received. */
export interface ReceivedRequest {
  readonly origin: "api" | "archivist";
  readonly method: string;
  readonly path: string;
  readonly authorization?: string;
  readonly contentType?: string;
  readonly body: string;
  /** When the request had arrived whole (`Date.now()`). */
  readonly at: number;
}

/** Where a stall happens: before a plan download's headers, in the middle of its body, or before a callback's answer. */
export type Stall = "plan-headers" | "plan-body" | "callback";

/** A callback PATCH that the fake accepted (answered 200). */
export interface RecordedResult {
  readonly taskResultId: string;
  readonly authorization?: string;
  readonly contentType?: string;
  readonly body: any;
  /** When it arrived (`Date.now()`). */
  readonly at: number;
}

/** How to send a request: signed with `key` (default), a given signature, or none. */
export interface SendOptions {
  readonly key?: string;
  readonly signature?: string | null;
}

function listen(server: http.Server): Promise<string> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(server.address() as AddressInfo).port}`));
  });
}

function readAll(request: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    request.setEncoding("utf8");
    request.on("data", (chunk: string) => (text += chunk));
    request.on("end", () => resolve(text));
    request.on("error", reject);
  });
}

export class FakeTerraformCloud {
  static async start(): Promise<FakeTerraformCloud> {
    const fake = new FakeTerraformCloud();
    fake.apiUrl = await listen(fake.api);
    fake.archivistUrl = await listen(fake.archivist);
    return fake;
  }

  /** The Terraform Cloud origin (run task servers are pointed here with --tfc-url). */
  apiUrl = "";
  /** The origin plan downloads are redirected to (allow it with --allow-redirect-origin). */
  archivistUrl = "";
  /** Every request received, in order. */
  readonly requests: ReceivedRequest[] = [];
  /** Every callback accepted, in order. */
  readonly results: RecordedResult[] = [];
  /** Every access token this fake handed out, to look for in logs. */
  readonly tokens: string[] = [];

  private readonly plans = new Map<string, string>();
  private readonly tokenRuns = new Map<string, string>();
  private readonly objects = new Map<string, string>();
  private callbackFailures = 0;
  /** Stalls still due, by place and plan id. */
  private readonly stalls = new Map<string, number>();
  private hold?: Promise<void>;
  private releaseHold?: () => void;
  private readonly waiters: Array<() => void> = [];
  private readonly api = http.createServer((request, response) => void this.serveApi(request, response));
  private readonly archivist = http.createServer((request, response) => void this.serveArchivist(request, response));
  private readonly lifetime = setTimeout(() => void this.stop(), 10 * 60_000);

  private constructor() {
    this.lifetime.unref();
  }

  /** Serves `plan` (an object, or raw text) as the JSON of plan `planId`. */
  addPlan(planId: string, plan: object | string): void {
    this.plans.set(planId, typeof plan === "string" ? plan : JSON.stringify(plan));
  }

  /** A run task request for `planId`, as Terraform Cloud sends it at post_plan; `overrides` replace fields. */
  payload(planId: string, overrides: { [field: string]: unknown } = {}): { [field: string]: unknown } {
    const runId = `run-${randomBytes(8).toString("hex")}`;
    const token = `${randomBytes(7).toString("hex")}.atlasv1.${randomBytes(30).toString("base64url")}`;
    this.tokens.push(token);
    this.tokenRuns.set(token, planId);
    const taskResult = randomBytes(16).toString("hex");
    return {
      payload_version: 1,
      stage: "post_plan",
      access_token: token,
      capabilities: { outcomes: true },
      configuration_version_download_url: `${this.apiUrl}/api/v2/configuration-versions/cv-test/download`,
      configuration_version_id: "cv-test",
      is_speculative: false,
      organization_name: "example-org",
      plan_json_api_url: `${this.apiUrl}/api/v2/plans/${planId}/json-output`,
      run_app_url: `${this.apiUrl}/app/example-org/pinpoint-ses/runs/${runId}`,
      run_created_at: new Date().toISOString(),
      run_created_by: "reviewer",
      run_id: runId,
      run_message: "Triggered via test",
      task_result_callback_url: `${this.apiUrl}/api/v2/task-results/${taskResult}/callback`,
      task_result_enforcement_level: "mandatory",
      task_result_id: `taskrs-${taskResult.slice(0, 16)}`,
      vcs_branch: null,
      vcs_commit_url: null,
      vcs_pull_request_url: null,
      vcs_repo_url: null,
      workspace_app_url: `${this.apiUrl}/app/example-org/pinpoint-ses`,
      workspace_id: "ws-test",
      workspace_name: "pinpoint-ses",
      workspace_working_directory: "",
      ...overrides,
    };
  }

  /** The request Terraform Cloud sends when a run task is created, to check the URL answers. */
  verificationPayload(): { [field: string]: unknown } {
    return {
      payload_version: 1,
      access_token: "test-token",
      task_result_id: "taskrs-xxxxxxxxxxxxxxxx",
      task_result_enforcement_level: "test",
      task_result_callback_url: "https://app.terraform.io/api/v2/task-results/xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx/callback",
      run_id: "run-xxxxxxxxxxxxxxxx",
      plan_json_api_url: "https://app.terraform.io/api/v2/plans/plan-xxxxxxxxxxxxxxxx/json-output",
    };
  }

  /** POSTs `payload` (or raw text) to a run task server, signed as `options` says. */
  async send(serverUrl: string, payload: object | string, options: SendOptions = {}): Promise<{ status: number; text: string }> {
    const body = typeof payload === "string" ? payload : JSON.stringify(payload);
    const signature = options.signature === undefined ? sign(body, options.key ?? "") : options.signature;
    const response = await fetch(serverUrl, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "TFC/1.0 (+https://app.terraform.io; TFC)",
        ...(signature === null ? {} : { "X-TFC-Task-Signature": signature }),
      },
      body,
      signal: AbortSignal.timeout(30_000),
    });
    return { status: response.status, text: await response.text() };
  }

  /** The next `count` callbacks answer 503 before one is accepted. */
  failCallbacks(count: number): void {
    this.callbackFailures = count;
  }

  /**
   * The next `count` requests at `where` for runs of plan `planId` stall: a plan download gets no headers
   * (`plan-headers`) or half its body (`plan-body`), a callback no answer. The connection stays open until the
   * client gives up or the fake stops.
   */
  stall(where: Stall, planId: string, count = 1): void {
    this.stalls.set(`${where} ${planId}`, count);
  }

  /** Whether a stall at `where` is due now for plan `planId` (and counts it). */
  private stalled(where: Stall, planId: string | undefined): boolean {
    const key = `${where} ${planId}`;
    const due = this.stalls.get(key) ?? 0;
    if (due > 0) this.stalls.set(key, due - 1);
    return due > 0;
  }

  /** Plan downloads wait until `release` is called (to keep tasks running). */
  holdPlanDownloads(): () => void {
    this.hold = new Promise((resolve) => (this.releaseHold = resolve));
    return () => {
      this.releaseHold?.();
      this.hold = undefined;
    };
  }

  /** The accepted callback of a task result id (from the request's callback URL). */
  resultsFor(payload: { [field: string]: unknown }): RecordedResult[] {
    const id = /task-results\/([^/]+)\/callback/.exec(String(payload.task_result_callback_url))?.[1];
    return this.results.filter((result) => result.taskResultId === id);
  }

  /** Resolves once `count` callbacks in all have been accepted; rejects after `timeoutMs`. */
  async waitForResults(count: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.results.length < count) {
      if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${count} results; got ${this.results.length}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 250);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /**
   * Resolves with the callbacks of `payload`'s run once there are `count`, however many came before the call (a run
   * may send its result before its requester sees the 200); rejects after `timeoutMs`.
   */
  async waitForResultsOf(payload: { [field: string]: unknown }, count = 1, timeoutMs = 60_000): Promise<RecordedResult[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.resultsFor(payload).length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`waited ${timeoutMs} ms for ${count} results of ${payload.run_id}; got ${this.resultsFor(payload).length}`);
      await this.waitForResults(this.results.length + 1, left).catch(() => undefined);
    }
    return this.resultsFor(payload);
  }

  async stop(): Promise<void> {
    clearTimeout(this.lifetime);
    this.releaseHold?.();
    for (const server of [this.api, this.archivist]) {
      if (!server.listening) continue;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  }

  private async record(origin: ReceivedRequest["origin"], request: http.IncomingMessage): Promise<ReceivedRequest> {
    const received: ReceivedRequest = {
      origin,
      method: request.method ?? "",
      path: request.url ?? "",
      authorization: request.headers.authorization,
      contentType: request.headers["content-type"],
      body: await readAll(request),
      at: Date.now(),
    };
    this.requests.push(received);
    return received;
  }

  private async serveApi(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const received = await this.record("api", request);
    const token = received.authorization?.replace(/^Bearer /, "") ?? "";
    const plan = /^\/api\/v2\/plans\/([^/]+)\/json-output$/.exec(received.path);
    if (plan && received.method === "GET") {
      if (this.tokenRuns.get(token) !== plan[1] || !this.plans.has(plan[1])) return end(response, 401, "unauthorized");
      await this.hold;
      if (this.stalled("plan-headers", plan[1])) return;
      const key = randomBytes(24).toString("base64url");
      this.objects.set(key, plan[1]);
      response.writeHead(307, { Location: `${this.archivistUrl}/v1/object/${key}` });
      return void response.end();
    }
    const callback = /^\/api\/v2\/task-results\/([^/]+)\/callback$/.exec(received.path);
    if (callback && received.method === "PATCH") {
      if (!this.tokenRuns.has(token)) return end(response, 401, "unauthorized");
      if (this.stalled("callback", this.tokenRuns.get(token))) return;
      if (this.callbackFailures > 0) {
        this.callbackFailures--;
        return end(response, 503, "unavailable");
      }
      this.results.push({ taskResultId: callback[1], authorization: received.authorization, contentType: received.contentType,
        body: JSON.parse(received.body), at: received.at });
      this.waiters.splice(0).forEach((wake) => wake());
      return end(response, 200, "");
    }
    end(response, 404, "not found");
  }

  private async serveArchivist(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const received = await this.record("archivist", request);
    const key = /^\/v1\/object\/([^/]+)$/.exec(received.path)?.[1];
    const planId = key ? this.objects.get(key) : undefined;
    if (!key || !planId) return end(response, 404, "not found");
    this.objects.delete(key);
    const plan = Buffer.from(this.plans.get(planId)!, "utf8");
    response.writeHead(200, { "Content-Type": "application/json", "Content-Length": plan.length });
    if (this.stalled("plan-body", planId)) return void response.write(plan.subarray(0, plan.length >> 1));
    response.end(plan);
  }
}

function end(response: http.ServerResponse, status: number, text: string): void {
  response.writeHead(status, { "Content-Type": "text/plain" });
  response.end(text);
}
