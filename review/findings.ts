/**
 * The review's rules. Each finding names the resource and carries the
 * statement (or change) that is its evidence.
 */
import { DocumentState, RoleReview } from "./roles";
import { Statement, statementCovers, statementLine, servicePrincipals } from "./policy";
import { SES_SEND_ACTIONS } from "../modules/policy-documents";

export type Severity = "error" | "warning";

export interface Finding {
  readonly rule: RuleId;
  readonly severity: Severity;
  /** The resource (or inline_policy block) the finding is about. */
  readonly address: string;
  readonly message: string;
  readonly evidence: string;
}

/** Every rule, its severity and what it means. */
export const RULES = {
  "service-trust-without-source": {
    severity: "warning",
    summary: "a service principal may assume the role without aws:SourceAccount or aws:SourceArn (confused deputy)",
  },
  "wildcard-principal": {
    severity: "error",
    summary: "the trust policy allows `*` (anyone), or everyone but a NotPrincipal list",
  },
  "all-actions": {
    severity: "error",
    summary: "a statement allows every action (`*`, or NotAction)",
  },
  "service-wildcard": {
    severity: "warning",
    summary: "a statement allows every action of a service (`service:*`)",
  },
  "send-on-any-resource": {
    severity: "warning",
    summary: "an SES send action is allowed on Resource `*` (every identity of every account)",
  },
  "role-replaced": {
    severity: "error",
    summary: "the role is replaced: Pinpoint and anything else holding its ARN or id breaks until updated",
  },
  "unreadable-policy": {
    severity: "warning",
    summary: "a planned policy document is not a valid IAM policy",
  },
  "simulation-mismatch": {
    severity: "error",
    summary: "the simulated verdict of a Pinpoint sending role differs from what the role must allow",
  },
} as const satisfies { [rule: string]: { severity: Severity; summary: string } };

export type RuleId = keyof typeof RULES;

export function finding(rule: RuleId, address: string, message: string, evidence: string): Finding {
  return { rule, severity: RULES[rule].severity, address, message, evidence };
}

const SOURCE_KEYS = new Set(["aws:sourceaccount", "aws:sourcearn", "aws:sourceorgid", "aws:sourceorgpaths"]);

/** `trust policy statement 2 (Sid X): Allow …`, the evidence of a finding. */
function evidence(where: string, statement: Statement, index: number): string {
  return `${where} statement ${index + 1}: ${statementLine(statement)}`;
}

function allowStatements(document: DocumentState): Array<[Statement, number]> {
  if (document.state !== "known") return [];
  return document.policy.statements
    .map((statement, index): [Statement, number] => [statement, index])
    .filter(([statement]) => statement.effect === "Allow");
}

function trustFindings(role: RoleReview): Finding[] {
  return allowStatements(role.trust.after).flatMap(([statement, index]): Finding[] => {
    const found: Finding[] = [];
    const where = evidence("trust policy", statement, index);
    const principal = statement.principal;
    const anyone = principal === "*" || Object.values(principal ?? {}).some((ids) => ids.includes("*"));
    if (anyone || statement.notPrincipal) {
      found.push(finding("wildcard-principal", role.address,
        statement.notPrincipal ? "the trust policy allows everyone except its NotPrincipal list to assume the role"
          : "the trust policy allows any principal (`*`) to assume the role", where));
    }
    const services = servicePrincipals(statement);
    const assumes = ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"].some((action) => statementCovers(statement, action));
    const guarded = statement.conditions.some((test) => SOURCE_KEYS.has(test.key.toLowerCase()));
    if (services.length > 0 && assumes && !guarded) {
      found.push(finding("service-trust-without-source", role.address,
        `${services.join(", ")} may assume the role on behalf of any account: the statement has no ` +
        "aws:SourceAccount or aws:SourceArn condition", where));
    }
    return found;
  });
}

function permissionFindings(address: string, label: string, document: DocumentState): Finding[] {
  if (document.state === "unreadable") {
    return [finding("unreadable-policy", address, `the planned ${label} is not a valid IAM policy`, document.problem)];
  }
  return allowStatements(document).flatMap(([statement, index]): Finding[] => {
    const found: Finding[] = [];
    const where = evidence(label, statement, index);
    if (statement.notAction || statement.action?.includes("*")) {
      found.push(finding("all-actions", address, statement.notAction
        ? "a statement allows every action except those in its NotAction list"
        : "a statement allows every action (`*`)", where));
    }
    const services = (statement.action ?? []).filter((action) => /^[a-z0-9-]+:\*$/i.test(action));
    if (services.length > 0) {
      found.push(finding("service-wildcard", address,
        `a statement allows every action of ${services.map((action) => action.split(":")[0]).join(", ")}`, where));
    }
    const sends = SES_SEND_ACTIONS.filter((action) => statementCovers(statement, action));
    if (sends.length > 0 && (statement.notResource || statement.resource?.includes("*"))) {
      found.push(finding("send-on-any-resource", address,
        `${sends.join(" and ")} ${sends.length > 1 ? "are" : "is"} allowed on ` +
        (statement.notResource ? "every resource outside a NotResource list" : "Resource `*`"), where));
    }
    return found;
  });
}

/** Every rule but the simulation's, for one role and its policies as they will be after the plan. */
export function roleFindings(role: RoleReview): Finding[] {
  if (role.change === "delete" || role.change === "forget") return [];
  const found = [...trustFindings(role)];
  if (role.trust.after.state === "unreadable") {
    found.push(finding("unreadable-policy", role.address, "the planned trust policy is not a valid IAM policy", role.trust.after.problem));
  }
  for (const policy of role.policies) {
    found.push(...permissionFindings(policy.address, `policy ${policy.name}`, policy.after));
  }
  if (role.change === "replace") {
    found.push(finding("role-replaced", role.address,
      "Terraform deletes and re-creates the role: its unique id changes (and its ARN, for a generated name), so the " +
      "Pinpoint email channel and any policy naming the role must be updated",
      `replaced because of: ${role.replacedBecause.join(", ") || "(no reason given)"}`));
  }
  return found;
}

const SEVERITY_ORDER: readonly Severity[] = ["error", "warning"];

/** Whether any finding is at least as severe as `threshold`. */
export function reachesThreshold(findings: readonly Finding[], threshold: Severity): boolean {
  const limit = SEVERITY_ORDER.indexOf(threshold);
  return findings.some((item) => SEVERITY_ORDER.indexOf(item.severity) <= limit);
}
