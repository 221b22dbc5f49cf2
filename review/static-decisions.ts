/**
 * Requests the review decides without the simulator, because no Allow
 * statement could apply to them: IAM denies what nothing allows, and a
 * condition, a Deny or a permissions boundary can only take permissions away.
 * The test is deliberately loose (a pattern "could match" whenever in doubt),
 * so a request it calls denied is denied; everything else is simulated.
 */
import { accountOf, compiledPattern, Statement, statementCovers } from "./policy";

/** Whether an ARN pattern could match `resource`: loosely, `*`, `?` and `${…}` variables match anything, case-insensitively. */
function resourceMatches(pattern: string, resource: string): boolean {
  const loose = () => new RegExp(`^${pattern.split(/(\$\{[^}]*\}|\*|\?)/).map((part) =>
    part === "*" || part.startsWith("${") ? ".*" : part === "?" ? "." : part.replace(/[.+^$()|[\]\\{}]/g, "\\$&")).join("")}$`, "is");
  return resource === "*" || compiledPattern(`resource ${pattern}`, loose).test(resource);
}

/** Whether an identity-policy statement could allow `action` on `resource`. */
export function couldAllow(statement: Statement, action: string, resource: string): boolean {
  if (statement.effect !== "Allow" || !statementCovers(statement, action)) return false;
  if (statement.notResource) return true;
  return (statement.resource ?? []).some((pattern) => resourceMatches(pattern, resource));
}

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

