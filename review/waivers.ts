/**
 * Waivers: a reviewed exception names a rule, an address, a reason and an expiry date, in a file
 * (`--waivers=FILE`) or as a tag on the role. A waived finding is reported as waived and fails nothing; an expired
 * waiver waives nothing and fails (waiver-expired); a waiver that matches nothing is a warning (waiver-unmatched).
 *
 * A role's waiver tags are read from the prior state, not from the plan: a plan cannot waive what it brings.
 */
import { InputError } from "../tooling/command-line";
import { finding, Finding, isRuleId, ReviewedFinding, RULE_IDS, RuleId } from "./findings";
import { isObject, parseJson } from "./policy";
import type { RoleReview } from "./roles";

export interface Waiver {
  readonly rule: RuleId;
  /** The finding's address, or its role's address (then every finding of the rule for that role). */
  readonly address: string;
  readonly reason: string;
  /** Last day it counts, `YYYY-MM-DD` (UTC). */
  readonly expires: string;
  /** Where it is written: `waivers.json waivers[2]`, or `tag iam-review:waive:RULE on aws_iam_role.x`. */
  readonly source: string;
}

/** Role tags `iam-review:waive:RULE = "YYYY-MM-DD reason"` (IAM tag values allow letters, digits, spaces and _ . : / = + - @). */
export const WAIVER_TAG_PREFIX = "iam-review:waive:";

const FIELDS = new Set(["rule", "address", "reason", "expires"]);

/** Whether `text` is a real calendar date `YYYY-MM-DD`. */
export function isDate(text: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) return false;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return date.toISOString().slice(0, 10) === text;
}

/** Reads a waivers file (`{"waivers": [{"rule", "address", "reason", "expires"}]}`); one InputError naming the entry, field and value. */
export function parseWaivers(text: string, file: string): Waiver[] {
  const json = parseJson(text, (problem) => new InputError(`waivers file ${file} is ${problem}`));
  if (!isObject(json) || !Array.isArray(json.waivers) || Object.keys(json).some((key) => key !== "waivers")) {
    throw new InputError(`waivers file ${file} is not {"waivers": [{"rule", "address", "reason", "expires"}, ...]}`);
  }
  return json.waivers.map((entry: unknown, position: number) => {
    const where = `waivers file ${file}: waivers[${position}]`;
    if (!isObject(entry)) throw new InputError(`${where} is ${JSON.stringify(entry)}, not an object`);
    const unknown = Object.keys(entry).find((key) => !FIELDS.has(key));
    if (unknown) throw new InputError(`${where} has field ${JSON.stringify(unknown)}; a waiver has rule, address, reason and expires`);
    const text = (field: string) => {
      const value = entry[field];
      if (typeof value !== "string" || value.trim() === "") throw new InputError(`${where}.${field} is ${JSON.stringify(value)}; expected a non-empty string`);
      return value;
    };
    const rule = text("rule");
    if (!isRuleId(rule)) throw new InputError(`${where}.rule ${JSON.stringify(rule)} is not a rule of this review (${RULE_IDS.join(", ")})`);
    const expires = text("expires");
    if (!isDate(expires)) throw new InputError(`${where}.expires ${JSON.stringify(expires)} is not a date YYYY-MM-DD`);
    return { rule, address: text("address"), reason: text("reason"), expires, source: `${file} waivers[${position}]` };
  });
}

/** The waivers written as tags on the role before the plan, and a waiver-invalid finding for each malformed one. */
export function tagWaivers(role: RoleReview): { waivers: Waiver[]; invalid: Finding[] } {
  const waivers: Waiver[] = [];
  const invalid: Finding[] = [];
  for (const [key, value] of Object.entries(role.priorTags)) {
    if (!key.startsWith(WAIVER_TAG_PREFIX)) continue;
    const rule = key.slice(WAIVER_TAG_PREFIX.length);
    const [, expires, reason] = /^(\S+)\s+(\S.*)$/.exec(String(value)) ?? [];
    const source = `tag ${key} on ${role.address}`;
    if (!isRuleId(rule) || !expires || !isDate(expires)) {
      invalid.push(finding("waiver-invalid", role.address, `the role's tag ${key} = ${JSON.stringify(value)} is not a waiver: ` +
        (!isRuleId(rule) ? `${JSON.stringify(rule)} is not a rule of this review` : "its value is not \"YYYY-MM-DD reason\""), source, [key]));
      continue;
    }
    waivers.push({ rule, address: role.address, reason, expires, source });
  }
  return { waivers, invalid };
}

/**
 * Marks the findings each waiver covers as waived (until its expiry date, `today` included), and adds a
 * waiver-expired finding for each expired waiver and a waiver-unmatched one for each that covers nothing.
 */
export function applyWaivers(findings: readonly ReviewedFinding[], waivers: readonly Waiver[], today: string): {
  findings: ReviewedFinding[]; problems: Finding[];
} {
  const live = waivers.filter((waiver) => waiver.expires >= today);
  const used = new Set<Waiver>();
  const result = findings.map((item) => {
    const waiver = live.find((candidate) => candidate.rule === item.rule && (candidate.address === item.address || candidate.address === item.role));
    if (!waiver) return item;
    used.add(waiver);
    return { ...item, waived: { reason: waiver.reason, expires: waiver.expires, source: waiver.source } };
  });
  const problems = waivers.flatMap((waiver) => {
    if (waiver.expires < today) {
      return [finding("waiver-expired", waiver.address, `the waiver of ${waiver.rule} expired on ${waiver.expires}: ${waiver.reason}`,
        waiver.source, [waiver.rule, waiver.expires])];
    }
    return used.has(waiver) ? [] : [finding("waiver-unmatched", waiver.address, `the waiver of ${waiver.rule} matches no finding ` +
      `at ${waiver.address}: ${waiver.reason}`, waiver.source, [waiver.rule])];
  });
  return { findings: result, problems };
}
