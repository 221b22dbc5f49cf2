/**
 * The exported module's text, without Terraform: what it declares, and that
 * its validation tables agree with the construct's checks. Terraform itself
 * runs the module in __tests__/terraform/export-module.test.ts.
 */
import { TerraformStack, Testing } from "cdktf";
import { PinpointSesSendingRole } from "../../modules";
import { isSesIdentity } from "../../modules/validation";
import { MODULE_DIR, moduleFiles } from "../../app/module-files";
import { isExported, MODULE_INPUTS, MODULE_OUTPUTS, moduleVariables } from "../../app/module-export";
import { ACCEPTED, packed, propsOf, REFUSED } from "../../app/module-tests";

const files = moduleFiles();
const text = (file: string) => files.get(file) as string;

describe("the exported module's files", () => {
  it("are the module's Terraform files, a README, an example and the test suite", () => {
    expect([...files.keys()].sort()).toEqual(["README.md", "examples/main.tf", "main.tf", "outputs.tf",
      "tests/plan.tftest.hcl", "tests/validation.tftest.hcl", "variables.tf", "versions.tf"]);
    expect(MODULE_DIR).toBe("terraform-module");
  });

  it("configure no provider and no backend: the caller's provider is used", () => {
    for (const file of ["main.tf", "variables.tf", "outputs.tf", "versions.tf"]) {
      expect(text(file)).not.toMatch(/^\s*provider\s+"|backend\s+"|^\s*cloud\s*\{/m);
    }
    expect(text("versions.tf")).toMatch(/required_providers \{\naws = \{ source = "hashicorp\/aws", version = ">= 5\.0" \}/);
  });

  it("name the resources, data sources and locals as a hand-written module would", () => {
    const main = text("main.tf");
    for (const block of ['resource "aws_iam_role" "this"', 'resource "aws_iam_role_policy" "this"',
      'data "aws_partition" "current"', 'data "aws_caller_identity" "current"', 'data "aws_region" "current"']) {
      expect(main).toContain(block);
    }
    expect(main).toMatch(/\nses_identity_arns = "\$\{formatlist\(/);
    expect(main).not.toMatch(/_[0-9A-F]{8}\b/);
  });

  it("declare a variable, with description, type and default, for every exported construct option", () => {
    const variables = text("variables.tf");
    for (const input of moduleVariables()) {
      expect(variables).toContain(`variable "${input.name}" {\ndescription = ${JSON.stringify(input.description)}\ntype = ${input.type}\n`);
    }
    expect(moduleVariables().map((input) => input.name)).toEqual(["role_name", "role_name_prefix", "path", "description",
      "permissions_boundary_arn", "max_session_duration", "tags", "region", "ses_identities", "configuration_sets",
      "pinpoint_application_ids", "policy_name"]);
  });

  it("say why each construct option without a variable has none", () => {
    const notExported = Object.entries(MODULE_INPUTS).filter(([, input]) => !isExported(input)).map(([option]) => option);
    expect(notExported.sort()).toEqual(["adoptExistingRole", "callerIdentity", "exclusiveInlinePolicy", "partition", "provider"]);
    for (const option of notExported) expect(text("README.md")).toMatch(new RegExp(`- \`${option}\`: \\S`));
  });

  it("output the role's ARN, name and unique id, and the policy's name, with descriptions", () => {
    expect(text("outputs.tf")).toContain('output "role_arn" {\ndescription = "ARN of the role');
    expect(text("outputs.tf")).toContain("value = aws_iam_role.this.unique_id");
    expect(MODULE_OUTPUTS.map((output) => output.name)).toEqual(["role_arn", "role_name", "role_unique_id", "policy_name"]);
  });

  it("document every input and output in the README, from the same descriptions", () => {
    const readme = text("README.md");
    for (const input of moduleVariables()) {
      expect(readme).toContain(`| \`${input.name}\` | ${input.description.replace(/\|/g, "\\|")} | \`${input.type}\` |`);
    }
    for (const output of MODULE_OUTPUTS) expect(readme).toContain(`| \`${output.name}\` | ${output.description} |`);
    expect(readme).toContain("Amazon Pinpoint reached end of support on 2026-10-30");
  });

  it("call the module from examples/ with source = \"../\"", () => {
    expect(text("examples/main.tf")).toContain('module "pinpoint_ses_sending_role" {\nsource = "../"');
    expect(text("examples/main.tf")).toMatch(/^provider "aws" \{/m);
  });

  it("test every case, each refused one expected to fail its own variable's validation", () => {
    const runs = text("tests/validation.tftest.hcl").split(/^run "/m).slice(1);
    for (const testCase of [...ACCEPTED, ...REFUSED]) {
      const label = testCase.refusedBy ? `# refuses ${testCase.name} (var.${testCase.refusedBy})` : `# accepts ${testCase.name}`;
      const matching = runs.filter((run) => run.includes(`${label}\n`));
      expect({ label, runs: matching.length }).toEqual({ label, runs: 1 });
      if (testCase.refusedBy) expect(matching[0]).toMatch(new RegExp(`expect_failures = \\[[^\\]]*var\\.${testCase.refusedBy}\\b`));
    }
  });
});

describe("packing the module's test cases into runs", () => {
  it.each([["accepted", ACCEPTED], ["refused", REFUSED]] as const)(
    "keeps every %s case once, and no two cases of a run on the same variable", (_kind, cases) => {
      const runs = packed(cases);
      expect(runs.flat()).toHaveLength(cases.length);
      expect(new Set(runs.flat())).toEqual(new Set(cases));
      for (const run of runs) {
        const names = run.flatMap((testCase) => Object.keys(testCase.variables));
        expect(new Set(names).size).toBe(names.length);
      }
    });

  it("keeps apart cases whose validations read each other's variables", () => {
    const runs = packed([
      { name: "18 app ids", variables: { pinpoint_application_ids: [] }, refusedBy: "pinpoint_application_ids" },
      { name: "a bad Region", variables: { region: "x" }, refusedBy: "region" },
      { name: "a bad path", variables: { path: "x" }, refusedBy: "path" },
    ]);
    expect(runs.map((run) => run.map((testCase) => testCase.name))).toEqual([["18 app ids", "a bad path"], ["a bad Region"]]);
  });
});

describe("the module's validation tables and the construct's checks", () => {
  const build = (variables: { readonly [variable: string]: unknown }) =>
    new PinpointSesSendingRole(new TerraformStack(Testing.app(), "test"), "role", propsOf(variables));

  it.each(ACCEPTED.map((testCase) => [testCase.name, testCase.variables] as const))(
    "the construct accepts %s, as the module does", (_name, variables) => {
      expect(() => build(variables)).not.toThrow();
    });

  it.each(REFUSED.map((testCase) => [testCase.name, testCase.variables] as const))(
    "the construct refuses %s, as the module does", (_name, variables) => {
      expect(() => build(variables)).toThrow();
    });

  it("lets an empty pinpoint_application_ids mean any project, as leaving the option out does", () => {
    expect(propsOf({ pinpoint_application_ids: [], role_name: null })).toEqual({});
  });
});

describe("the module's identity check", () => {
  // The RE2 pattern of the ses_identities validation, read back as a JavaScript pattern.
  const variables = text("variables.tf");
  const re2 = /can\(regex\("(\^\(\[A-Za-z0-9!#.*?)", x\)\)/.exec(variables)?.[1] as string;
  const pattern = new RegExp(JSON.parse(`"${re2}"`).replace(/\\x\{([0-9A-F]{4})\}/g, "\\u$1"), "u");
  const moduleAccepts = (identity: string) => pattern.test(identity) && identity.replace(/^.*@/, "").length <= 253;

  it.each([
    "example.com", "news@example.com", "no-reply+news@mail.example.co.uk", "a@b.co", "x".repeat(64) + "@example.com",
    "x".repeat(65) + "@example.com", "ops@", "@example.com", "example", "exa mple.com", "-example.com", "a@b@example.com",
    `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(59)}.com`,
    `${"a".repeat(63)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(60)}.com`,
  ])("decides %s as isSesIdentity does", (identity) => {
    expect(moduleAccepts(identity)).toBe(isSesIdentity(identity));
  });
});
