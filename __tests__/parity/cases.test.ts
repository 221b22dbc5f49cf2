/**
 * The parity table itself: every module variable and every construct option
 * has an input in it (or, for an option, a reason in the module's README why
 * the module has none), and every case is either accepted or refused.
 * parity.terraform.test.ts runs it on both sides.
 */
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "../support/terraform";
import { constructOnlyOptions, moduleVariables } from "../terraform-module/declarations";
import { CASES, INPUTS } from "./cases";

/** The fields of the construct's props interface, read from its source. */
function constructOptions(): string[] {
  const source = fs.readFileSync(path.join(PROJECT_DIR, "modules", "pinpoint-ses-sending-role.ts"), "utf8");
  const body = /export interface PinpointSesSendingRoleProps \{([\s\S]*?)\n\}/.exec(source)?.[1] ?? "";
  return [...body.matchAll(/^ {2}readonly (\w+)\??:/gm)].map((match) => match[1]);
}

const mapped = Object.values(INPUTS);

describe("the parity table", () => {
  it("maps an input to every variable of the module, and to no other", () => {
    expect(mapped.map((input) => input.variable).sort()).toEqual(moduleVariables().map((variable) => variable.name).sort());
  });

  it("maps an input to every construct option but the few the module's README says it has no variable for, and why", () => {
    const constructOnly = constructOnlyOptions();
    expect(constructOptions().length).toBeGreaterThan(12);
    expect(constructOptions().filter((option) => !constructOnly.has(option)).sort())
      .toEqual(mapped.map((input) => input.prop).sort());
    expect([...constructOnly.keys()].filter((option) => !constructOptions().includes(option))).toEqual([]);
  });

  it("gives each case a unique id that names a Terraform module block", () => {
    const ids = CASES.map((testCase) => testCase.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(id).toMatch(/^[a-z][a-z0-9_]*$/);
  });

  it("says of each case either what Terraform plans or which rule refuses it", () => {
    for (const testCase of CASES) {
      expect({ id: testCase.id, plans: testCase.plans !== undefined, refused: testCase.refused !== undefined })
        .toEqual({ id: testCase.id, plans: testCase.refused === undefined, refused: testCase.plans === undefined });
    }
  });

  it("sets every input in some accepted case and in some refused case", () => {
    const setIn = (kind: "plans" | "refused") => new Set(CASES.filter((testCase) => testCase[kind] !== undefined)
      .flatMap((testCase) => Object.keys(testCase.inputs)));
    expect([...setIn("plans")].sort()).toEqual(Object.keys(INPUTS).sort());
    expect([...setIn("refused")].sort()).toEqual(Object.keys(INPUTS).sort());
  });
});
