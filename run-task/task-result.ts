/**
 * The body of the callback PATCH (JSON:API `task-results`, with one
 * `task-result-outcomes` entry per finding and one for the whole review), as
 * HashiCorp's "Run tasks integration API" documents it. Pure functions.
 */
import { ReviewedFinding, RULES, Severity } from "../review/findings";
import { counts, gateOf } from "../review/gate";
import { plural, renderMarkdown, statusText } from "../review/markdown";
import { Review } from "../review/review";
import type { ServerOptions } from "./server";

/** An outcome's tags, shown as labels (the level colours them). */
type Tags = { readonly [name: string]: readonly { readonly label: string; readonly level?: string }[] };
type Outcome = ReturnType<typeof outcome>;
export type TaskResultBody = ReturnType<typeof result>;

const TRUNCATED = "\n\n_(Truncated: the review is longer than a run task outcome may be. Run `npm run review` on the plan JSON for all of it.)_\n";

/** An outcome body: `text` cut to at most `limit` UTF-8 bytes (HashiCorp recommends under 1 MB), with a note when cut. */
export function limitBody(text: string, limit = 1_000_000): string {
  if (Buffer.byteLength(text, "utf8") <= limit) return text;
  const room = limit - Buffer.byteLength(TRUNCATED, "utf8");
  // Cut on a character boundary: decoding drops a split last character.
  return Buffer.from(text, "utf8").subarray(0, room).toString("utf8").replace(/\uFFFD$/, "") + TRUNCATED;
}

/** A one-line description, as Terraform Cloud shows it in the outcomes list. */
function oneLine(text: string, limit = 300): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length <= limit ? line : `${line.slice(0, limit - 1)}…`;
}

const FAILED = { label: "Failed", level: "error" };

function outcome(id: string, description: string, body: string, tags: Tags) {
  return {
    type: "task-result-outcomes",
    attributes: { "outcome-id": id, description: oneLine(description), body: limitBody(body), tags },
  };
}

/** One outcome per finding, its id `rule:address` (the rule ids of the review and its SARIF), numbered from the second use on. */
function findingOutcomes(findings: readonly ReviewedFinding[], gate: { failOn: Severity; newOnly: boolean }): Outcome[] {
  const seen = new Map<string, number>();
  return findings.map((item) => {
    const base = `${item.rule}:${item.address}`;
    const count = (seen.get(base) ?? 0) + 1;
    seen.set(base, count);
    const body = [
      `**${item.message}**`,
      `Resource: \`${item.address}\``,
      `Rule: \`${item.rule}\` (${item.severity}): ${RULES[item.rule].summary}`,
      `Status: ${statusText(item)}`,
      "Evidence:",
      item.evidence,
    ].join("\n\n");
    return outcome(count === 1 ? base : `${base}#${count}`, `${item.address}: ${item.message}`, body, {
      Status: [counts(item, gate) ? FAILED : { label: "Advisory", level: "warning" }],
      Severity: [{ label: item.severity === "error" ? "Error" : "Warning", level: item.severity }],
      Rule: [{ label: item.rule }],
      Change: [{ label: item.waived ? "Waived" : item.novelty === "new" ? "New" : item.novelty === "worsened" ? "Worsened" : "Existing" }],
    });
  });
}

function result(status: "passed" | "failed" | "running", message: string, sourceUrl?: string, outcomes?: readonly Outcome[]) {
  return {
    data: {
      type: "task-results",
      attributes: { status, message, ...(sourceUrl ? { url: sourceUrl } : {}) },
      ...(outcomes ? { relationships: { outcomes: { data: outcomes } } } : {}),
    },
  };
}

/**
 * The callback body for a finished review: failed when a finding reaches `failOn`, passed otherwise;
 * with `outcomes` (Terraform Cloud accepts them), one outcome per finding and one for the whole review.
 */
export function reviewResult(review: Review,
  options: Pick<ServerOptions, "failOn" | "failOnNew" | "sourceUrl"> & { readonly outcomes: boolean }): TaskResultBody {
  const { findings } = review;
  const gate = { failOn: options.failOn, newOnly: options.failOnNew === true };
  const { failOn } = gate;
  const failed = gateOf(findings, gate).failed;
  const roles = plural(review.roles.filter((result) => result.role.inPlan).length, "IAM role");
  const errors = findings.filter((item) => item.severity === "error").length;
  const counts = findings.length === 0 ? "no findings" : `${plural(findings.length, "finding")} (${plural(errors, "error")}, ` +
    `${plural(findings.length - errors, "warning")}); ${failed ? `fails on ${failOn}${gate.newOnly ? " (new)" : ""}`
    : `below --fail-on=${failOn}${gate.newOnly ? " --fail-on-new" : ""}`}`;
  const whole = outcome("iam-review", `The whole IAM review: ${plural(findings.length, "finding")}`, renderMarkdown(review),
    { Status: [failed ? FAILED : { label: "Passed", level: "info" }] });
  return result(failed ? "failed" : "passed", `IAM review: ${roles}, ${counts}`, options.sourceUrl,
    options.outcomes ? [...findingOutcomes(findings, gate), whole] : undefined);
}

/** The callback body when the task could not review the plan: failed, with why. */
export function errorResult(message: string, sourceUrl?: string): TaskResultBody {
  return result("failed", oneLine(`IAM review not done: ${message}`), sourceUrl);
}

/**
 * A progress update (status `running`) for a run still waiting or under review: Terraform Cloud fails a task that
 * sends nothing for 10 minutes, and takes `running` as "not done yet".
 */
export function progressResult(message: string, sourceUrl?: string): TaskResultBody {
  return result("running", oneLine(`IAM review: ${message}`), sourceUrl);
}

/** A callback body as it is sent: its JSON text, and its status for the log. */
export interface SerialisedResult {
  readonly status: string;
  readonly json: string;
}

/** `body` as it is sent (a review thread sends it so: one string is far cheaper to pass between threads than objects). */
export function serialise(body: TaskResultBody): SerialisedResult {
  return { status: body.data.attributes.status, json: JSON.stringify(body) };
}
