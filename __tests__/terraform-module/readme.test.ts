/** terraform-module/README.md's Inputs and Outputs tables say what variables.tf and outputs.tf declare. */
import { moduleOutputs, moduleVariables, readmeTable } from "./declarations";

const code = (text: string) => `\`${text}\``;

describe("the module's README", () => {
  it("lists every variable in the Inputs table, in order, with its description, type, default and whether it is required", () => {
    const expected = moduleVariables().map((variable) => [
      code(variable.name),
      variable.description,
      code(variable.type ?? "any"),
      variable.default === undefined ? "n/a" : code(variable.default),
      variable.default === undefined ? "yes" : "no",
    ]);
    expect(readmeTable("Inputs")).toEqual(expected);
  });

  it("lists every output in the Outputs table, in order, with its description", () => {
    expect(readmeTable("Outputs")).toEqual(moduleOutputs().map((output) => [code(output.name), output.description]));
  });

  it("reads thirteen variables and four outputs, each described", () => {
    expect(moduleVariables().map((variable) => variable.name)).toEqual(["role_name", "role_name_prefix", "path", "description",
      "permissions_boundary_arn", "max_session_duration", "tags", "region", "ses_identities", "configuration_sets",
      "pinpoint_application_ids", "trust_policy_max_size", "policy_name"]);
    expect(moduleOutputs().map((output) => output.name)).toEqual(["role_arn", "role_name", "role_unique_id", "policy_name"]);
    for (const declaration of [...moduleVariables(), ...moduleOutputs()]) expect(declaration.description).not.toBe("");
  });
});
