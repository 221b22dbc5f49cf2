/** Renders a review as Markdown for a pull request or a Terraform Cloud run. */
import { Finding, RULES } from "./findings";
import { actionText, code, conditionText, resourceText, statementLine, whoText } from "./policy";
import { Review, RoleResult, RoleSimulation } from "./review";
import type { DocumentState } from "./documents";
import { overallChange, RoleReview } from "./roles";

/** A Markdown table; cells are already Markdown, line breaks become spaces. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((cell) => cell.replace(/\r?\n/g, " ") || " ").join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? "" : "s"}`;

function findingsTable(findings: readonly Finding[]): string {
  if (findings.length === 0) return "No findings.";
  return table(["Severity", "Rule", "Resource", "Finding", "Evidence"], findings.map((item) =>
    [item.severity, code(item.rule), code(item.address), item.message, item.evidence.replace(/\|/g, "\\|")]));
}

function simulationSummary(simulation: RoleSimulation | undefined): string {
  if (!simulation) return "";
  if (!simulation.ran) return `not run: ${simulation.reason}`;
  const passed = simulation.outcomes.filter((outcome) => outcome.passed).length;
  return `${passed} of ${simulation.outcomes.length} cases as expected`;
}

function summary(review: Review): string {
  const rows = review.roles.map((result) => [
    code(result.role.address),
    overallChange(result.role),
    result.pinpoint ? "yes" : "no",
    simulationSummary(result.simulation),
    result.findings.length === 0 ? "none"
      : (["error", "warning"] as const).map((severity) => [severity, result.findings.filter((item) => item.severity === severity).length] as const)
        .filter(([, count]) => count > 0).map(([severity, count]) => plural(count, severity)).join(", "),
  ]);
  return table(["Role", "Change", "Pinpoint sending role", "Simulation", "Findings"], rows);
}

function roleFacts(role: RoleReview): string {
  const after = role.name ? code(role.name) : role.namePrefix ? `generated from prefix ${code(role.namePrefix)}` : "known after apply";
  const name = role.previousName && role.previousName !== role.name ? `${code(role.previousName)} → ${after}` : after;
  const boundary = role.boundary.afterUnknown ? "known after apply"
    : role.boundary.before !== role.boundary.after
      ? `${role.boundary.before ? code(role.boundary.before) : "none"} → ${role.boundary.after ? code(role.boundary.after) : "none"}`
      : role.boundary.after ? code(role.boundary.after) : "none";
  const where = [role.facts.partition, role.facts.region, role.facts.account].map((fact) => fact ?? "?").join(" · ");
  const rows = [["Name", name], ["Path", code(role.path)], ["Permissions boundary", boundary], ["Partition · Region · account", where]];
  if (role.exclusivePolicyNames) {
    rows.push(["Inline policies kept (exclusive)", role.exclusivePolicyNames.map(code).join(", ") || "none"]);
  }
  if (role.exclusivePolicyArns) {
    rows.push(["Managed policies kept (exclusive)", role.exclusivePolicyArns.map(code).join(", ") || "none"]);
  }
  if (role.managedPolicyArns.length > 0) rows.push(["Managed policies attached", role.managedPolicyArns.map(code).join(", ")]);
  if (role.removedByExclusive.length > 0) {
    rows.push(["Removed at apply by the exclusive lists (reviewed all the same)", role.removedByExclusive.map(code).join(", ")]);
  }
  if (role.awsManagedPolicies.length > 0) {
    rows.push(["AWS managed policies (judged by name, not simulated)", role.awsManagedPolicies.map((policy) => code(policy.name)).join(", ")]);
  }
  if (role.notReviewable.length > 0) {
    rows.push(["Not reviewable", role.notReviewable.map((item) => `${code(item.address)} ${item.reason}`).join("; ")]);
  }
  if (role.replacedBecause.length > 0) rows.push(["Replaced because of", role.replacedBecause.map(code).join(", ")]);
  return table(["", ""], rows);
}

/** The document after the plan, or before it for a role being deleted. */
function current(document: { before: DocumentState; after: DocumentState }, change: string): DocumentState {
  return change === "delete" || change === "forget" ? document.before : document.after;
}

function unavailable(document: DocumentState): string | undefined {
  if (document.state === "unknown") return "_Known after apply._";
  if (document.state === "unreadable") return `_Not a valid IAM policy: ${document.problem}._`;
  if (document.state === "absent") return "_None._";
  return undefined;
}

function whoCanAssume(role: RoleReview): string {
  const trust = current(role.trust, role.change);
  if (trust.state !== "known") return unavailable(trust) as string;
  return table(["Effect", "Principal", "Action", "Condition"], trust.policy.statements.map((statement) =>
    [statement.effect, whoText(statement), actionText(statement), conditionText(statement.conditions) || "none"]));
}

function whatItCanDo(role: RoleReview): string {
  const rows = role.policies.flatMap((policy) => {
    const document = current(policy, policy.change);
    const name = policy.kind === "managed" ? `${code(policy.name)} (managed, ${code(policy.address)})` : code(policy.name);
    if (document.state !== "known") return [[name, unavailable(document) as string, "", "", ""]];
    return document.policy.statements.map((statement) => [name, statement.effect, actionText(statement),
      resourceText(statement) || "(none)", conditionText(statement.conditions) || "none"]);
  });
  if (rows.length === 0) return "_No inline or customer managed policies in the plan._";
  return table(["Policy", "Effect", "Action", "Resource", "Condition"], rows);
}

/** Statements removed (`-`), added (`+`) and kept, as a diff block. */
export function statementDiff(before: DocumentState, after: DocumentState): string {
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

function changes(role: RoleReview): string {
  const parts: string[] = [];
  if (role.inPlan) parts.push(`Trust policy (${role.change}):\n\n${statementDiff(role.trust.before, role.trust.after)}`);
  for (const policy of role.policies) {
    parts.push(`Policy ${code(policy.name)} (${code(policy.address)}, ${policy.change}):\n\n` +
      statementDiff(policy.before, policy.after));
  }
  return parts.join("\n\n");
}

function simulation(result: RoleResult): string {
  const run = result.simulation;
  if (!run) return "";
  if (!run.ran) return `### Simulation\n\nNot run: ${run.reason}.`;
  const rows = run.outcomes.map((outcome) => [
    outcome.case.title,
    outcome.case.expected,
    outcome.passed ? outcome.verdict : `**${outcome.verdict}**`,
    outcome.passed
      ? (outcome.requests.length > 1 ? `${outcome.requests.length} requests; ` : "") + outcome.requests[0].reason
      : outcome.unexpected.map((request) => `${code(request.action)} on ${code(request.resource)}: ${request.reason}`).slice(0, 3).join("; "),
  ]);
  return ["### Simulation",
    "Simulated with `@cloud-copilot/iam-simulate` against the planned documents, as the role is used by Pinpoint.",
    ...run.notes,
    table(["Case", "Expected", "Simulated", "Why"], rows)].join("\n\n");
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
    changes(role),
    simulation(result),
    ...(result.findings.length > 0 ? ["### Findings", findingsTable(result.findings)] : []),
  ].filter((part) => part !== "").join("\n\n");
}

function rulesLegend(): string {
  return table(["Rule", "Severity", "Meaning"],
    Object.entries(RULES).map(([rule, { severity, summary: meaning }]) => [code(rule), severity, meaning]));
}

export function renderMarkdown(review: Review): string {
  const version = review.terraformVersion ? `Terraform ${review.terraformVersion}, ` : "";
  const parts = [
    "# IAM review of a Terraform plan",
    `Plan from ${version}JSON format ${review.formatVersion}: ${plural(review.roles.filter((result) => result.role.inPlan).length, "IAM role")}` +
      `, ${plural(review.findings.length, "finding")}.`,
    review.roles.length === 0 ? "_The plan has no IAM roles or role policies._" : summary(review),
    "## Findings",
    findingsTable(review.findings),
    ...review.roles.map(roleSection),
    "## Rules",
    rulesLegend(),
  ];
  return `${parts.join("\n\n")}\n`;
}
