/** Helpers the rules share: Allow statements of a document, and how a finding quotes one. */
import { Statement, statementLine } from "./policy";
import type { DocumentState } from "./roles";

/** `trust policy statement 2: Allow …`, the evidence of a finding. */
export function evidence(where: string, statement: Statement, index: number): string {
  return `${where} statement ${index + 1}: ${statementLine(statement)}`;
}

/** The Allow statements of a known document, each with its index. */
export function allowStatements(document: DocumentState): Array<[Statement, number]> {
  if (document.state !== "known") return [];
  return document.policy.statements
    .map((statement, index): [Statement, number] => [statement, index])
    .filter(([statement]) => statement.effect === "Allow");
}
