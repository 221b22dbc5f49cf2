/**
 * What fails the gate. `--fail-on=LEVEL` counts every finding at LEVEL or above; with `--fail-on-new`, only those
 * this plan brings: judged, as IAM Access Analyzer's check-no-new-access judges a policy against its existing
 * version, from the role as it is in the prior state against the role as planned. A finding of the same rule at
 * the same address whose subjects (principals, actions, resources, ...) the prior state's finding already had is
 * existing; with subjects the prior state's did not have, worsened; otherwise new. Waived findings count never.
 */
import { atLeast, Finding, Novelty, ReviewedFinding, Severity } from "./findings";

export interface GateOptions {
  /** The least severe finding that fails. @default - none fails, unless `newOnly` (then `warning`) */
  readonly failOn?: Severity;
  /** Count only findings the plan brings (new or worsened). */
  readonly newOnly?: boolean;
}

export interface Gate {
  readonly failed: boolean;
  /** The threshold applied, if any. */
  readonly failOn?: Severity;
  readonly newOnly: boolean;
  /** The findings that fail the gate. */
  readonly failing: number;
}

/** The novelty of `item` given the findings of the same role before the plan (`"all"`: the plan leaves the role as it is). */
export function noveltyOf(item: Finding, before: readonly Finding[] | "all"): Novelty {
  if (before === "all") return "existing";
  const same = before.filter((old) => old.rule === item.rule && old.address === item.address);
  if (same.length === 0) return "new";
  return same.some((old) => item.subjects.every((subject) => old.subjects.includes(subject))) ? "existing" : "worsened";
}

export function counts(item: ReviewedFinding, options: GateOptions): boolean {
  const failOn = options.failOn ?? (options.newOnly ? "warning" : undefined);
  return failOn !== undefined && !item.waived && atLeast(item, failOn) && (!options.newOnly || item.novelty !== "existing");
}

export function gateOf(findings: readonly ReviewedFinding[], options: GateOptions = {}): Gate {
  const failing = findings.filter((item) => counts(item, options)).length;
  return { failed: failing > 0, failOn: options.failOn ?? (options.newOnly ? "warning" : undefined), newOnly: options.newOnly === true, failing };
}
