/**
 * Requests the review decides without the simulator, because no Allow
 * statement could apply to them: IAM denies what nothing allows, and a
 * condition, a Deny or a permissions boundary can only take permissions away.
 * The test is deliberately loose (a pattern "could match" whenever in doubt),
 * so a request it calls denied is denied; everything else is simulated.
 */
import { Statement, statementCovers } from "./policy";

/** An ARN pattern as a loose regular expression: `*`, `?` and `${…}` variables match anything, case-insensitively. */
function looseArnPattern(pattern: string): RegExp {
  const source = pattern.split(/(\$\{[^}]*\}|\*|\?)/).map((part) =>
    part === "*" || part.startsWith("${") ? ".*" : part === "?" ? "." : part.replace(/[.+^$()|[\]\\{}]/g, "\\$&")).join("");
  return new RegExp(`^${source}$`, "is");
}

const patterns = new Map<string, RegExp>();
function resourceMatches(pattern: string, resource: string): boolean {
  let regex = patterns.get(pattern);
  if (!regex) {
    // Bounded: patterns name each role's own ARNs, so a plan of many roles brings many.
    if (patterns.size >= 10_000) patterns.clear();
    regex = looseArnPattern(pattern);
    patterns.set(pattern, regex);
  }
  return resource === "*" || regex.test(resource);
}

/** Whether an identity-policy statement could allow `action` on `resource`. */
export function couldAllow(statement: Statement, action: string, resource: string): boolean {
  if (statement.effect !== "Allow" || !statementCovers(statement, action)) return false;
  if (statement.notResource) return true;
  return (statement.resource ?? []).some((pattern) => resourceMatches(pattern, resource));
}

/** The account of a principal ARN (`arn:aws:iam::123456789012:user/x`), if it has one. */
const accountOf = (principal: string) => /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(principal)?.[1];

/** Whether a trust-policy statement could let `principal` call `action`. */
export function couldTrust(statement: Statement, principal: string, action: string): boolean {
  if (statement.effect !== "Allow" || !statementCovers(statement, action)) return false;
  if (statement.notPrincipal || statement.principal === undefined || statement.principal === "*") return true;
  const account = accountOf(principal);
  return Object.entries(statement.principal).some(([kind, ids]) => ids.some((id) => {
    if (id === "*" || id.includes("*") || id.includes("?")) return true;
    if (kind === "Service") return id.toLowerCase() === principal.toLowerCase();
    if (kind === "AWS") return id === principal || (account !== undefined && id.includes(account));
    return false;
  }));
}

