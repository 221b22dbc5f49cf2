/** Policy documents on each side of a planned change, as the review reads them, and how a finding quotes a statement. */
import type { ResourceChange } from "./plan";
import { parsePolicy, Policy, PolicyFormatError, Statement, statementLine } from "./policy";

/** A policy document on one side of a change. */
export type DocumentState =
  | { readonly state: "absent" }
  | { readonly state: "unknown" }
  | { readonly state: "unreadable"; readonly problem: string }
  | { readonly state: "known"; readonly policy: Policy };

export const ABSENT: DocumentState = { state: "absent" };

/** A policy document given as JSON text or an object; absent for nothing, unreadable for a bad one. */
export function readDocument(raw: unknown): DocumentState {
  if (raw === null || raw === undefined || raw === "") return ABSENT;
  try {
    return { state: "known", policy: parsePolicy(raw) };
  } catch (error) {
    if (error instanceof PolicyFormatError) return { state: "unreadable", problem: error.message };
    throw error;
  }
}

/** The document in `attribute` on one side of a resource's change. */
export function plannedDocument(change: ResourceChange["change"], side: "before" | "after", attribute: string): DocumentState {
  const values = change[side];
  if (values === null || values === undefined) return ABSENT;
  if (side === "after" && change.after_unknown?.[attribute] === true) return { state: "unknown" };
  return readDocument(values[attribute]);
}

/** The Allow statements of a known document, each with its index. */
export function allowStatements(document: DocumentState): Array<[Statement, number]> {
  if (document.state !== "known") return [];
  return document.policy.statements
    .map((statement, index): [Statement, number] => [statement, index])
    .filter(([statement]) => statement.effect === "Allow");
}

/** `trust policy statement 2: Allow …`, the evidence of a finding. */
export function evidence(where: string, statement: Statement, index: number): string {
  return `${where} statement ${index + 1}: ${statementLine(statement)}`;
}
