/**
 * The started providers terraform commands attach to: which configurations
 * may attach, and that a process serves one command, one environment at a
 * time. A wrong answer here would let one provider configuration answer for
 * another, and the Terraform-backed tests would prove the wrong thing.
 */
import * as fs from "fs";
import { initialisedWorkdir } from "./lifecycle";
import { attachableAwsProvider, withProvider } from "./provider-pool";
import { TerraformWorkdir, testEnv } from "./terraform";

let workdir: TerraformWorkdir;
let stackJson: any;

beforeAll(async () => {
  workdir = await initialisedWorkdir("provider-pool");
  stackJson = JSON.parse(fs.readFileSync(`${workdir.dir}/cdk.tf.json`, "utf8"));
});

afterAll(() => workdir?.remove());

const pidOf = (reattach: string | undefined): number => {
  if (reattach === undefined) throw new Error("no started provider was given");
  return Object.values<{ Pid: number }>(JSON.parse(reattach))[0].Pid;
};
const alive = (pid: number): boolean => {
  try {
    return process.kill(pid, 0);
  } catch {
    return false;
  }
};

describe("attachableAwsProvider", () => {
  afterEach(() => {
    workdir.write("cdk.tf.json", stackJson);
    fs.rmSync(`${workdir.dir}/extra.tf`, { force: true });
    for (const folder of ["tests", "role"]) fs.rmSync(`${workdir.dir}/${folder}`, { recursive: true, force: true });
  });

  it("gives the installed hashicorp/aws provider for the app's stack, one provider configuration", () => {
    expect(stackJson.provider.aws).toHaveLength(1);
    expect(attachableAwsProvider(workdir.dir)).toMatch(/\/terraform-provider-aws_v[\d.]+_x5$/);
  });

  it("gives none for two aws provider configurations (an alias)", () => {
    workdir.write("cdk.tf.json", { ...stackJson, provider: { aws: [...stackJson.provider.aws, { alias: "other", region: "eu-west-1" }] } });
    expect(attachableAwsProvider(workdir.dir)).toBeUndefined();
  });

  it("gives none for a provider block in an HCL file next to the JSON one", () => {
    workdir.write("extra.tf", 'provider "aws" {\n  alias  = "other"\n  region = "eu-west-1"\n}\n');
    expect(attachableAwsProvider(workdir.dir)).toBeUndefined();
  });

  it("gives none for a provider block in a terraform test file, and counts no mock_provider", () => {
    fs.mkdirSync(`${workdir.dir}/tests`, { recursive: true });
    workdir.write("tests/mocked.tftest.hcl", 'mock_provider "aws" {}\n');
    expect(attachableAwsProvider(workdir.dir)).toBeDefined();
    workdir.write("tests/real.tftest.hcl", 'provider "aws" {\n  region = "eu-west-1"\n}\n');
    expect(attachableAwsProvider(workdir.dir)).toBeUndefined();
  });

  it("follows a module call to a local folder: no provider block there, still one configuration", () => {
    fs.mkdirSync(`${workdir.dir}/role`, { recursive: true });
    workdir.write("role/main.tf", 'resource "aws_iam_role" "this" {\n  assume_role_policy = "{}"\n}\n');
    workdir.write("cdk.tf.json", { ...stackJson, module: { role: { source: "./role" } } });
    expect(attachableAwsProvider(workdir.dir)).toBeDefined();
  });

  it.each([
    ["to a local module with a provider block of its own", () => {
      workdir.write("role/main.tf", 'provider "aws" {\n  region = "eu-west-1"\n}\n');
      workdir.write("cdk.tf.json", { ...stackJson, module: { role: { source: "./role" } } });
    }],
    ["to a registry module", () => workdir.write("cdk.tf.json", { ...stackJson, module: { role: { source: "terraform-aws-modules/iam/aws" } } })],
    ["to a missing folder", () => workdir.write("cdk.tf.json", { ...stackJson, module: { role: { source: "./nowhere" } } })],
    ["in HCL", () => workdir.write("extra.tf", 'module "role" {\n  source = "./role"\n}\n')],
  ])("gives none for a module call %s", (_call, write) => {
    fs.mkdirSync(`${workdir.dir}/role`, { recursive: true });
    write();
    expect(attachableAwsProvider(workdir.dir)).toBeUndefined();
  });

  it("gives none for a JSON file that does not parse, so that terraform reports it as it would anyway", async () => {
    workdir.write("cdk.tf.json", "{ not json");
    expect(attachableAwsProvider(workdir.dir)).toBeUndefined();
    const validate = await workdir.terraform(["validate", "-no-color"], undefined, true);
    expect({ status: validate.status, error: validate.stderr.includes("Error: Invalid JSON keyword") }).toEqual({ status: 1, error: true });
  });

  it("gives none where terraform init has not run", () => {
    const bare = TerraformWorkdir.create("not-initialised");
    bare.write("main.tf.json", stackJson);
    expect(attachableAwsProvider(bare.dir)).toBeUndefined();
    bare.remove();
  });
});

describe("withProvider", () => {
  const binary = () => attachableAwsProvider(workdir.dir) as string;
  const env = testEnv({ AWS_REGION: "us-east-1" });

  it("gives two commands in turn the same running process", async () => {
    const first = await withProvider(binary(), env, async (reattach) => pidOf(reattach));
    const second = await withProvider(binary(), env, async (reattach) => pidOf(reattach));
    expect(second).toBe(first);
    expect(alive(first)).toBe(true);
  });

  it("gives two commands at once two processes, since a process holds one configuration", async () => {
    const pids = await Promise.all([1, 2].map(() =>
      withProvider(binary(), env, async (reattach) => {
        await new Promise((resolve) => setTimeout(resolve, 200));
        return pidOf(reattach);
      })));
    expect(new Set(pids).size).toBe(2);
  });

  it("gives a command with another environment (another endpoint) its own process", async () => {
    const here = await withProvider(binary(), env, async (reattach) => pidOf(reattach));
    const there = await withProvider(binary(), { ...env, AWS_ENDPOINT_URL_IAM: "http://127.0.0.1:9" }, async (reattach) => pidOf(reattach));
    expect(there).not.toBe(here);
  });

  it("never gives out again a process that has ended", async () => {
    const ended = await withProvider(binary(), env, async (reattach) => pidOf(reattach));
    process.kill(ended, "SIGKILL");
    // Its watchdog shell ends with it; give this process the moment it takes to learn of that.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const next = await withProvider(binary(), env, async (reattach) => pidOf(reattach));
    expect(next).not.toBe(ended);
    expect(alive(next)).toBe(true);
  });

  it("lets the command start its own provider, saying so once, when the binary cannot start in debug mode", async () => {
    const fake = TerraformWorkdir.create("not-a-provider");
    fake.write("terraform-provider-aws", "#!/bin/sh\necho 'no debug mode here'\nexit 1\n");
    fs.chmodSync(`${fake.dir}/terraform-provider-aws`, 0o755);
    const stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    try {
      const given = await Promise.all([1, 2].map(() => withProvider(`${fake.dir}/terraform-provider-aws`, env, async (reattach) => reattach)));
      const third = await withProvider(`${fake.dir}/terraform-provider-aws`, env, async (reattach) => reattach);
      expect([...given, third]).toEqual([undefined, undefined, undefined]);
      const said = stderr.mock.calls.map(([text]) => String(text)).filter((text) => text.startsWith("provider-pool:"));
      expect(said.length).toBeGreaterThanOrEqual(1);
      expect(said[0]).toBe("provider-pool: the hashicorp/aws provider did not start in debug mode:; terraform commands start their own provider\n");
    } finally {
      stderr.mockRestore();
      fake.remove();
    }
  });

  it("serves a real terraform command: the started process does the work, and outlives it", async () => {
    const pid = await withProvider(binary(), testEnv(), async (reattach) => pidOf(reattach));
    const cpuTicks = () => fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ").slice(11, 13).map(Number)
      .reduce((sum, ticks) => sum + ticks, 0);
    const before = cpuTicks();
    expect(await workdir.validate()).toMatchObject({ valid: true, diagnostics: [] });
    // Sending terraform the provider's schema alone takes this process a tenth of a second or more.
    expect(cpuTicks() - before).toBeGreaterThan(10);
    expect(await withProvider(binary(), testEnv(), async (reattach) => pidOf(reattach))).toBe(pid);
    expect(alive(pid)).toBe(true);
  });
});
