/** A policy document on one side of a change, as the review can read it. */
import { parsePolicy, Policy, PolicyFormatError } from "./policy";

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
