/**
 * One run task: fetch the plan JSON, review it, PATCH the result. Whatever
 * goes wrong ends in a `failed` result that says why, so that a mandatory
 * task never waits for Terraform Cloud's timeout.
 */
import { Severity } from "../review/findings";
import { parsePlan } from "../review/plan";
import { reviewPlan, ReviewOptions } from "../review/review";
import { elapsedMs, Logger } from "./log";
import { TerraformCloudClient } from "./outbound";
import { PLAN_STAGES, RunTaskRequest } from "./protocol";
import { errorResult, reviewResult, TaskResultBody } from "./task-result";

export interface TaskSettings {
  readonly failOn: Severity;
  /**
   * Whether the review simulates the Pinpoint role (`@cloud-copilot/iam-simulate`,
   * AGPL-3.0); false runs the rules only and never loads the simulator.
   */
  readonly simulate: boolean;
  /** The results' link to this server's source, if the operator gave one. */
  readonly sourceUrl?: string;
}

/** Why a task could not review, in one line, without a stack trace. */
function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The result of reviewing the request's plan (never throws: a failure is a failed result). */
async function review(request: RunTaskRequest, client: TerraformCloudClient, settings: TaskSettings, log: Logger): Promise<TaskResultBody> {
  const run = request.run_id;
  if (!PLAN_STAGES.has(request.stage) || !request.plan_json_api_url) {
    return errorResult(`this task reviews a plan; it was called at stage ${request.stage}: register it at post_plan`, settings.sourceUrl);
  }
  try {
    const fetching = process.hrtime.bigint();
    const text = await client.fetchPlan(request.plan_json_api_url, request.access_token);
    log("plan.fetched", { run_id: run, bytes: Buffer.byteLength(text), ms: elapsedMs(fetching) });
    const reviewing = process.hrtime.bigint();
    // `simulate` is the review's switch for the AGPL-covered simulator (see docs/run-task.md).
    const options: ReviewOptions = { simulate: settings.simulate };
    const result = await reviewPlan(parsePlan(text, `the plan of ${run}`), options);
    log("plan.reviewed", { run_id: run, findings: result.findings.length, simulate: settings.simulate, ms: elapsedMs(reviewing) });
    return reviewResult(result, { failOn: settings.failOn, outcomes: request.capabilities?.outcomes === true, sourceUrl: settings.sourceUrl });
  } catch (error) {
    log("review.failed", { run_id: run, reason: reason(error) });
    return errorResult(reason(error), settings.sourceUrl);
  }
}

/** Sends `body` as the task's result and logs the outcome; never throws. */
export async function sendResult(request: RunTaskRequest, client: TerraformCloudClient, body: TaskResultBody,
  log: Logger, started: bigint): Promise<void> {
  try {
    const attempts = await client.sendResult(request.task_result_callback_url, request.access_token, body);
    log("result.sent", { run_id: request.run_id, status: body.data.attributes.status, attempts, ms: elapsedMs(started) });
  } catch (error) {
    log("result.undelivered", { run_id: request.run_id, status: body.data.attributes.status, reason: reason(error), ms: elapsedMs(started) });
  }
}

/**
 * Runs one task from plan to callback; never throws. `claim` says whether
 * this task may still send its result (a shutdown may have failed it already).
 */
export async function runTask(request: RunTaskRequest, client: TerraformCloudClient, settings: TaskSettings,
  log: Logger, started: bigint, claim: () => boolean): Promise<void> {
  const body = await review(request, client, settings, log);
  if (claim()) await sendResult(request, client, body, log, started);
  else log("result.superseded", { run_id: request.run_id, reason: "the shutdown already sent a failed result" });
}
