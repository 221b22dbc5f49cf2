/** Renders a review as Markdown for a pull request or a Terraform Cloud run. */
import type { DocumentState } from "./documents";
import { ReviewedFinding, RULES } from "./findings";
import { actionText, code, conditionText, resourceText, statementLine, whoText } from "./policy";
import { Review, RoleResult } from "./review";
import { overallChange, RoleReview } from "./roles";

/** A Markdown table; cells are already Markdown, line breaks become spaces. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((cell) => cell.replace(/\r?\n/g, " ") || " ").join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

export const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

/** `new`, `worsened`, `existing` before the plan, or `waived` with the waiver's reason and expiry. */
export function statusText(item: ReviewedFinding): string {
  return item.waived ? `waived until ${item.waived.expires}: ${item.waived.reason}` : item.novelty;
}

function findingsTable(findings: readonly ReviewedFinding[]): string {
  if (findings.length === 0) return "No findings.";
  return table(["Severity", "Rule", "Resource", "Status", "Finding", "Evidence"], findings.map((item) =>
    [item.severity, code(item.rule), code(item.address), statusText(item), item.message, item.evidence.replace(/\|/g, "\\|")]));
}

function summary(review: Review): string {
  const rows = review.roles.map(({ role, pinpoint, simulation, findings }) => [
    code(role.address),
    overallChange(role),
    pinpoint ? "yes" : "no",
    !simulation ? "" : simulation.ran
      ? `${simulation.outcomes.filter((outcome) => outcome.passed).length} of ${simulation.outcomes.length} cases as expected`
      : `not run: ${simulation.reason}`,
    findings.length === 0 ? "none" : (["error", "warning"] as const)
      .map((severity) => [severity, findings.filter((item) => item.severity === severity).length] as const)
      .filter(([, count]) => count > 0).map(([severity, count]) => plural(count, severity)).join(", "),
  ]);
  return table(["Role", "Change", "Pinpoint sending role", "Simulation", "Findings"], rows);
}

function roleFacts(role: RoleReview): string {
  const after = role.name ? code(role.name) : role.namePrefix ? `generated from prefix ${code(role.namePrefix)}` : "known after apply";
  const name = role.previousName && role.previousName !== role.name ? `${code(role.previousName)} → ${after}` : after;
  const arnOrNone = (arn: string | undefined) => (arn ? code(arn) : "none");
  const boundary = role.boundary.afterUnknown ? "known after apply" : role.boundary.before !== role.boundary.after
    ? `${arnOrNone(role.boundary.before)} → ${arnOrNone(role.boundary.after)}` : arnOrNone(role.boundary.after);
  const where = [role.facts.partition, role.facts.region, role.facts.account].map((fact) => fact ?? "?").join(" · ");
  const codes = (items: readonly string[]) => items.map(code).join(", ");
  // Empty lists leave their row out, but for the exclusive lists, which say "none".
  const rows: Array<[string, string | undefined]> = [
    ["Name", name], ["Path", code(role.path)], ["Permissions boundary", boundary], ["Partition · Region · account", where],
    ["Inline policies kept (exclusive)", role.exclusivePolicyNames && (codes(role.exclusivePolicyNames) || "none")],
    ["Managed policies kept (exclusive)", role.exclusivePolicyArns && (codes(role.exclusivePolicyArns) || "none")],
    ["Managed policies attached", codes(role.managedPolicyArns)],
    ["Removed at apply by the exclusive lists (reviewed all the same)", codes(role.removedByExclusive)],
    ["AWS managed policies (judged by name, not simulated)", codes(role.awsManagedPolicies.map((policy) => policy.name))],
    ["Not reviewable", role.notReviewable.map((item) => `${code(item.address)} ${item.reason}`).join("; ")],
    ["Replaced because of", codes(role.replacedBecause)],
    ["Facts from", role.facts.sources.join("; ")],
  ];
  return table(["", ""], rows.filter((row): row is [string, string] => Boolean(row[1])));
}

/** The document after the plan, or before it for a role being deleted. */
function current(document: { before: DocumentState; after: DocumentState }, change: string): DocumentState {
  return change === "delete" || change === "forget" ? document.before : document.after;
}

/** What stands in a table for a document that is not known. */
function unavailable(document: DocumentState): string {
  return document.state === "unknown" ? "_Known after apply._"
    : document.state === "unreadable" ? `_Not a valid IAM policy: ${document.problem}._` : "_None._";
}

function whoCanAssume(role: RoleReview): string {
  const trust = current(role.trust, role.change);
  if (trust.state !== "known") return unavailable(trust);
  return table(["Effect", "Principal", "Action", "Condition"], trust.policy.statements.map((statement) =>
    [statement.effect, whoText(statement), actionText(statement), conditionText(statement.conditions) || "none"]));
}

function whatItCanDo(role: RoleReview): string {
  const rows = role.policies.flatMap((policy) => {
    const document = current(policy, policy.change);
    const name = policy.kind === "managed" ? `${code(policy.name)} (managed, ${code(policy.address)})` : code(policy.name);
    if (document.state !== "known") return [[name, unavailable(document), "", "", ""]];
    return document.policy.statements.map((statement) => [name, statement.effect, actionText(statement),
      resourceText(statement) || "(none)", conditionText(statement.conditions) || "none"]);
  });
  if (rows.length === 0) return "_No inline or customer managed policies in the plan._";
  return table(["Policy", "Effect", "Action", "Resource", "Condition"], rows);
}

/** Statements removed (`-`), added (`+`) and kept, as a diff block. */
function statementDiff(before: DocumentState, after: DocumentState): string {
  const lines = (document: DocumentState) => document.state === "known" ? document.policy.statements.map(statementLine)
    : document.state === "absent" ? [] : [`(${document.state === "unknown" ? "known after apply" : "not a valid policy"})`];
  const old = lines(before);
  const updated = lines(after);
  const body = [
    ...old.filter((line) => !updated.includes(line)).map((line) => `- ${line}`),
    ...updated.map((line) => `${old.includes(line) ? " " : "+"} ${line}`),
  ];
  return ["```diff", ...body, "```"].join("\n");
}

function simulation(result: RoleResult): string[] {
  const run = result.simulation;
  if (!run) return [];
  if (!run.ran) return ["### Simulation", `Not run: ${run.reason}.`];
  const rows = run.outcomes.map((outcome) => [
    outcome.case.title,
    outcome.case.expected,
    outcome.passed ? outcome.verdict : `**${outcome.verdict}**`,
    outcome.passed
      ? (outcome.requests > 1 ? `${outcome.requests} requests; ` : "") + outcome.reason
      : outcome.unexpected.map((request) => `${code(request.action)} on ${code(request.resource)}: ${request.reason}`).slice(0, 3).join("; "),
  ]);
  return ["### Simulation",
    "Simulated with `@cloud-copilot/iam-simulate` against the planned documents, as the role is used by Pinpoint; " +
      "a request whose verdict the documents alone decide is decided without it, as the simulator would.",
    ...run.notes,
    table(["Case", "Expected", "Simulated", "Why"], rows)];
}

function roleSection(result: RoleResult): string {
  const { role } = result;
  const heading = role.inPlan ? `## ${code(role.address)} — ${overallChange(role)}` : `## ${role.address}`;
  return [
    heading,
    roleFacts(role),
    "### Who can assume it",
    role.inPlan ? whoCanAssume(role) : "_The role is not in this plan._",
    "### What it can do",
    whatItCanDo(role),
    "### What changes",
    ...(role.inPlan ? [`Trust policy (${role.change}):\n\n${statementDiff(role.trust.before, role.trust.after)}`] : []),
    ...role.policies.map((policy) =>
      `Policy ${code(policy.name)} (${code(policy.address)}, ${policy.change}):\n\n${statementDiff(policy.before, policy.after)}`),
    ...simulation(result),
    ...(result.notes.length > 0 ? ["### Notes", result.notes.map((note) => `- ${note}`).join("\n")] : []),
    ...(result.findings.length > 0 ? ["### Findings", findingsTable(result.findings)] : []),
  ].join("\n\n");
}

/** One sentence on the findings: how many, how many the plan brings, how many are waived, and the gate's verdict. */
export function findingsSentence(review: Review): string {
  const { findings, gate } = review;
  const brought = findings.filter((item) => item.novelty !== "existing" && !item.waived).length;
  const waived = findings.filter((item) => item.waived).length;
  const parts = [plural(findings.length, "finding"), ...(findings.length > 0 ? [`${brought} new or worsened by this plan`] : []),
    ...(waived > 0 ? [`${waived} waived`] : [])];
  const verdict = gate.failOn === undefined ? "" : gate.failed
    ? `; fails: ${plural(gate.failing, "finding")} at ${gate.failOn} or above${gate.newOnly ? " that the plan brings" : ""}`
    : `; passes --fail-on=${gate.failOn}${gate.newOnly ? " --fail-on-new" : ""}`;
  return `${parts.join(", ")}${verdict}`;
}

export function renderMarkdown(review: Review): string {
  const version = review.terraformVersion ? `Terraform ${review.terraformVersion}, ` : "";
  const parts = [
    "# IAM review of a Terraform plan",
    `Plan from ${version}JSON format ${review.formatVersion}: ${plural(review.roles.filter((result) => result.role.inPlan).length, "IAM role")}` +
      `, ${findingsSentence(review)}.`,
    review.roles.length === 0 ? "_The plan has no IAM roles or role policies._" : summary(review),
    "## Findings",
    findingsTable(review.findings),
    ...review.roles.map(roleSection),
    "## Rules",
    table(["Rule", "Severity", "Family", "Meaning"], Object.entries(RULES)
      .map(([rule, { severity, family, summary }]) => [code(rule), severity, family, summary])),
  ];
  return `${parts.join("\n\n")}\n`;
}
