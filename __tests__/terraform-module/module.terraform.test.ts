/**
 * terraform-module/ as Terraform sees it: formatted, valid, its example root
 * module valid, and its own `terraform test` suite passing (mocked provider).
 * What it plans with the real provider, next to the construct, is
 * __tests__/parity/.
 */
import * as fs from "fs";
import * as path from "path";
import { TerraformWorkdir } from "../support/terraform";
import { MODULE_DIR } from "./declarations";

// A copy: terraform init writes .terraform into the folder it runs in.
const moduleDir = TerraformWorkdir.create("module");

beforeAll(async () => {
  fs.cpSync(MODULE_DIR, moduleDir.dir, { recursive: true, filter: (source) => !path.basename(source).startsWith(".terraform") });
  await Promise.all([
    moduleDir.init({ backend: false }),
    moduleDir.terraform(["-chdir=examples", "init", "-input=false", "-no-color", "-backend=false"]),
  ]);
});

afterAll(() => moduleDir.remove());

describe("terraform-module/", () => {
  it("is formatted as terraform fmt writes it, examples and tests included", async () => {
    const check = await moduleDir.terraform(["fmt", "-check", "-recursive", "-no-color"], undefined, true);
    expect({ status: check.status, unformatted: check.stdout }).toEqual({ status: 0, unformatted: "" });
  });

  it("passes terraform validate", async () => {
    expect(await moduleDir.validate()).toMatchObject({ valid: true, diagnostics: [] });
  });

  it("has an example root module that calls it with source = \"../\" and validates", async () => {
    expect(fs.readFileSync(path.join(moduleDir.dir, "examples", "main.tf"), "utf8")).toMatch(/source\s+= "\.\.\/"/);
    const validate = await moduleDir.terraform(["-chdir=examples", "validate", "-json", "-no-color"], undefined, true);
    expect(JSON.parse(validate.stdout)).toMatchObject({ valid: true, diagnostics: [] });
  });

  it("passes its terraform test suite, every run of every file", async () => {
    const result = await moduleDir.terraform(["test", "-no-color"], undefined, true);
    const runs = fs.readdirSync(path.join(moduleDir.dir, "tests"))
      .map((file) => fs.readFileSync(path.join(moduleDir.dir, "tests", file), "utf8").match(/^run "/gm)?.length ?? 0)
      .reduce((sum, count) => sum + count, 0);
    expect(runs).toBeGreaterThanOrEqual(20);
    expect({ stderr: result.stderr, summary: result.stdout.trim().split("\n").pop() })
      .toEqual({ stderr: "", summary: `Success! ${runs} passed, 0 failed.` });
  });

  it("configures no provider and no backend: the caller's provider is used", () => {
    for (const file of ["main.tf", "variables.tf", "outputs.tf", "versions.tf"]) {
      expect(fs.readFileSync(path.join(MODULE_DIR, file), "utf8")).not.toMatch(/^\s*provider\s+"|backend\s+"|^\s*cloud\s*\{/m);
    }
  });
});
