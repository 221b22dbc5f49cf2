/**
 * The exported plain Terraform module, with Terraform: it is up to date with
 * the construct, formatted, valid, passes its own `terraform test` suite, and
 * works where a new user would put it: in a plain Terraform repository, where
 * it plans the AWS procedure's policies with the real provider.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { MODULE_DIR } from "../../app/module-files";
import { LocalAwsEndpoint } from "../support/aws-endpoint";
import { seedPermissionsPolicy, seedTrustPolicy } from "../support/seed";
import { PlanJson, PROJECT_DIR, resourceChange, run, RunResult, TerraformWorkdir, testEnv } from "../support/terraform";

const committed = path.join(PROJECT_DIR, MODULE_DIR);
const fresh = fs.mkdtempSync(path.join(os.tmpdir(), "pinpoint-ses-export-"));
// The committed module, copied: terraform init writes .terraform into the folder it runs in.
const moduleDir = TerraformWorkdir.create("module");
const repo = TerraformWorkdir.create("repo");
let endpoint: LocalAwsEndpoint;
let exported: RunResult;

/** Every file under `dir`, relative to it, without Terraform's working files. */
function filesUnder(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((file) => fs.statSync(path.join(dir, file)).isFile() && !/(^|\/)\.terraform/.test(file))
    .sort();
}

beforeAll(async () => {
  endpoint = await LocalAwsEndpoint.start({ account: "210987654321" });
  exported = await run("npm", ["run", "export-module", "--", "--out", fresh], { cwd: PROJECT_DIR, env: testEnv() });
  fs.cpSync(committed, moduleDir.dir, { recursive: true, filter: (source) => !source.includes(".terraform") });
  await moduleDir.init({ backend: false });
  // A plain Terraform repository that keeps the module under modules/.
  fs.cpSync(committed, path.join(repo.dir, "modules", "pinpoint-ses-sending-role"),
    { recursive: true, filter: (source) => !source.includes(".terraform") });
  repo.write("main.tf", [
    'provider "aws" {', '  region = "eu-west-1"', "}", "",
    'module "pinpoint" {', '  source         = "./modules/pinpoint-ses-sending-role"', '  ses_identities = ["example.com"]', "}", "",
    'output "role_arn" {', "  value = module.pinpoint.role_arn", "}", "",
  ].join("\n"));
  await repo.init();
});

afterAll(async () => {
  await endpoint?.stop();
  moduleDir.remove();
  repo.remove();
  fs.rmSync(fresh, { recursive: true, force: true });
});

describe(`the committed ${MODULE_DIR}/`, () => {
  it("is exactly what npm run export-module writes from the construct now, and the command says what it wrote", () => {
    for (const file of ["main.tf", "variables.tf", "README.md", "examples/main.tf"]) {
      expect(exported.stdout).toContain(`  ${path.join(fresh, file)}`);
    }
    expect(filesUnder(committed)).toEqual(filesUnder(fresh));
    for (const file of filesUnder(fresh)) {
      expect({ file, text: fs.readFileSync(path.join(committed, file), "utf8") })
        .toEqual({ file, text: fs.readFileSync(path.join(fresh, file), "utf8") });
    }
  });

  it("is formatted as terraform fmt writes it", async () => {
    const check = await moduleDir.terraform(["fmt", "-check", "-recursive", "-no-color"], undefined, true);
    expect({ status: check.status, unformatted: check.stdout }).toEqual({ status: 0, unformatted: "" });
  });

  it("passes terraform validate", async () => {
    expect(await moduleDir.validate()).toMatchObject({ valid: true, diagnostics: [] });
  });

  it("passes its terraform test suite: plans with defaults and every variable, refuses each bad value", async () => {
    const result = await moduleDir.terraform(["test", "-no-color"], undefined, true);
    expect(result.stderr).toBe("");
    const runs = filesUnder(path.join(moduleDir.dir, "tests"))
      .map((file) => fs.readFileSync(path.join(moduleDir.dir, "tests", file), "utf8").match(/^run "/gm)?.length ?? 0)
      .reduce((a, b) => a + b, 0);
    // Every run passed: none failed, none skipped after a failure.
    expect(result.stdout).toContain(`Success! ${runs} passed, 0 failed.`);
    expect(runs).toBeGreaterThanOrEqual(20);
  });

  it("has an example root module that calls it with source = \"../\" and validates", async () => {
    const example = TerraformWorkdir.create("example");
    try {
      fs.cpSync(moduleDir.dir, example.dir, { recursive: true, filter: (source) => !source.includes(".terraform") });
      const inExamples = (args: string[]) => example.terraform(["-chdir=examples", ...args]);
      await inExamples(["init", "-input=false", "-no-color", "-backend=false"]);
      const validate = JSON.parse((await example.terraform(["-chdir=examples", "validate", "-json", "-no-color"], undefined, true)).stdout);
      expect(validate).toMatchObject({ valid: true, diagnostics: [] });
    } finally {
      example.remove();
    }
  });
});

describe("the module in a plain Terraform repository", () => {
  it("passes terraform validate", async () => {
    expect(await repo.validate()).toMatchObject({ valid: true, diagnostics: [] });
  });

  it("plans the AWS procedure's trust and permissions policies with the real provider", async () => {
    const plan: PlanJson = await repo.plan(testEnv(endpoint.env()));
    const at = { partition: "aws", region: "eu-west-1", account: "210987654321" };
    const role = resourceChange(plan, "aws_iam_role");
    expect(role.address).toBe("module.pinpoint.aws_iam_role.this");
    expect(JSON.parse(role.change.after.assume_role_policy)).toEqual(seedTrustPolicy(at));
    const permissions = seedPermissionsPolicy(at);
    permissions.Statement[0].Resource[0] = permissions.Statement[0].Resource[0].replace("identity/*", "identity/example.com");
    expect(JSON.parse(resourceChange(plan, "aws_iam_role_policy").change.after.policy)).toEqual(permissions);
  });
});
