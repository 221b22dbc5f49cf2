/**
 * `npm run try-local`, as the README shows it: a plan, its review, an apply and
 * a destroy against moto, which it starts itself, with the plan JSON and the review
 * written where it says; off a terminal, no spinner frames or colours; on a
 * machine that cannot install the provider, one line naming the variable.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { docExample } from "../support/doc-examples";
import { PROJECT_DIR, PlanJson, run, RunResult, testEnv } from "../support/terraform";

let scratch: string;
beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "try-local-"));
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

const tryLocal = (out: string, env: NodeJS.ProcessEnv): Promise<RunResult> =>
  run("npm", ["run", "-s", "try-local", "--", `--out=${out}`], { cwd: PROJECT_DIR, env, allowFailure: true, timeoutMs: 8 * 60_000 });

describe("npm run try-local with the provider at hand", () => {
  let result: RunResult;
  let out: string;
  beforeAll(async () => {
    out = path.join(scratch, "out");
    result = await tryLocal(out, testEnv());
  });

  it("succeeds and ends by saying where the plan JSON and the review are", () => {
    expect(result.status).toBe(0);
    expect(result.stdout.endsWith(`\nPlan JSON: ${out}/plan.json\nReview:    ${out}/review.md\n`)).toBe(true);
  });

  it("ends as the README shows, for the default folder", () => {
    const lastLines = result.stdout.split("\n").slice(-3).join("\n").replaceAll(`${out}/`, "try-local.out/");
    expect(docExample("README.md", "try-local")).toBe(lastLines);
  });

  it("writes the plan of the role's creation as JSON", () => {
    const plan: PlanJson = JSON.parse(fs.readFileSync(path.join(out, "plan.json"), "utf8"));
    expect((plan.resource_changes ?? []).map((change) => `${change.type} ${change.change.actions.join(",")}`).sort())
      .toEqual(["aws_iam_role create", "aws_iam_role_policy create"]);
  });

  it("writes the review of that plan, with the role simulated as Pinpoint's sending role", () => {
    const review = fs.readFileSync(path.join(out, "review.md"), "utf8");
    expect(review.split("\n").slice(0, 3)).toEqual(["# IAM review of a Terraform plan", "",
      "Plan from Terraform 1.11.4, JSON format 1.2: 1 IAM role, 0 findings."]);
  });

  it("applies the reviewed plan, then destroys the role, on the moto_server it started", () => {
    // Within one section: no "=== " heading in between.
    const section = (heading: string, line: string) => new RegExp(`\n=== ${heading}\n(?:(?!\n=== )[^])*\n${line}`);
    expect(result.stdout).toMatch(section("terraform apply of the reviewed plan", "Apply complete! Resources: 2 added, 0 changed, 0 destroyed\\."));
    expect(result.stdout).toMatch(section("terraform destroy -auto-approve", "Destroy complete! Resources: 2 destroyed\\."));
    expect(result.stdout).toMatch(/\n=== moto_server \(IAM and STS\) on http:\/\/127\.0\.0\.1:\d+, account 123456789012\n/);
    expect(result.stdout).toMatch(/\n=== What IAM now holds\n\nRole arn:aws:iam::123456789012:role\/pinpoint-ses-sending-\w+ \(id AROA\w+\)\n/);
    expect(result.stdout).toMatch(/\n=== Done: 0 roles left\n/);
  });

  it("prints no spinner frames and no escape sequences when its output is not a terminal", () => {
    expect(`${result.stdout}${result.stderr}`).not.toMatch(/[\u2800-\u28ff\u001b]/);
  });
});

describe("npm run try-local where moto is not installed", () => {
  it("stops at once, naming moto_server and how to install it, in one line, and writes nothing", async () => {
    const out = path.join(scratch, "no-moto-out");
    // PATH without the folders that hold moto_server; node, npm and terraform stay.
    const dirs = (process.env.PATH ?? "").split(path.delimiter).filter((dir) => !fs.existsSync(path.join(dir, "moto_server")));
    const result = await tryLocal(out, testEnv({ PATH: dirs.join(path.delimiter) }));
    expect(result).toEqual({
      status: 1,
      stdout: "",
      stderr: "try-local: moto_server, the AWS emulator it runs against, is not on PATH; pip install 'moto[server]==5.2.1'\n",
    });
    expect(fs.existsSync(out)).toBe(false);
  });
});

describe("npm run try-local where the provider cannot be installed", () => {
  it.each([
    ["an empty mirror", (mirror: string) => ({ TERRAFORM_PROVIDER_MIRROR: mirror }), (mirror: string) => `from the mirror ${mirror}`],
    ["no mirror and no network", () => ({ TERRAFORM_PROVIDER_MIRROR: undefined, HTTPS_PROXY: "http://127.0.0.1:9", HTTP_PROXY: "http://127.0.0.1:9" }),
      () => "from the registry (no network?)"],
  ])("stops at once with %s, naming TERRAFORM_PROVIDER_MIRROR in one line, and writes nothing", async (_case, envFor, where) => {
    const mirror = fs.mkdtempSync(path.join(scratch, "empty-mirror-"));
    const out = `${mirror}-out`; // each case its own: one case's output must not fail the other's check
    const result = await tryLocal(out, { ...process.env, ...envFor(mirror) });
    expect(result).toEqual({
      status: 1,
      stdout: "",
      stderr: `try-local: terraform cannot install the hashicorp/aws provider ${where(mirror)}; ` +
        "name a provider mirror: TERRAFORM_PROVIDER_MIRROR=DIR npm run try-local\n",
    });
    expect(fs.existsSync(out)).toBe(false);
  });
});
