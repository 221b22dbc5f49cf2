/**
 * The started providers terraform commands attach to: which configurations
 * may attach, and that a process serves one command, one environment at a
 * time. A wrong answer here would let one provider configuration answer for
 * another, and the Terraform-backed tests would prove the wrong thing.
 */
import * as fs from "fs";
import { initialisedWorkdir } from "./lifecycle";
import { AttachableProvider, attachableAwsProvider, withProvider } from "./provider-pool";
import { run, TerraformWorkdir, testEnv } from "./terraform";

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
    expect(attachableAwsProvider(workdir.dir)?.binary).toMatch(/\/terraform-provider-aws_v[\d.]+_x5$/);
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
  const binary = () => attachableAwsProvider(workdir.dir) as AttachableProvider;
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
    const notAProvider = { binary: `${fake.dir}/terraform-provider-aws`, needs: () => true };
    try {
      const given = await Promise.all([1, 2].map(() => withProvider(notAProvider, env, async (reattach) => reattach)));
      const third = await withProvider(notAProvider, env, async (reattach) => reattach);
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

describe("the schema a command is given through its started provider", () => {
  const schemaJson = async (reattach?: string) => JSON.parse((await run("terraform", ["providers", "schema", "-json"],
    { cwd: workdir.dir, env: testEnv(reattach ? { TF_REATTACH_PROVIDERS: reattach } : {}) })).stdout)
    .provider_schemas["registry.terraform.io/hashicorp/aws"];
  const typesOf = (schema: any) => [...Object.keys(schema.resource_schemas), ...Object.keys(schema.data_source_schemas)];
  let full: any;
  beforeAll(async () => {
    full = await schemaJson();
  });
  afterEach(() => workdir.write("cdk.tf.json", stackJson));

  it("holds the project's families and the types the configuration names, each exactly as the provider gives it", async () => {
    workdir.write("cdk.tf.json", { ...stackJson, resource: { ...stackJson.resource, aws_s3_bucket: { logs: { bucket: "logs" } } } });
    const provider = attachableAwsProvider(workdir.dir) as AttachableProvider;
    const given = await withProvider(provider, testEnv(), schemaJson);
    const expected = typesOf(full).filter((type) => /^aws_(iam_|pinpoint_|ses|partition$|caller_identity$|region$)/.test(type) ||
      type === "aws_s3_bucket");
    expect(typesOf(given).sort()).toEqual(expected.sort());
    expect(expected).toEqual(expect.arrayContaining(["aws_iam_role", "aws_iam_role_policy", "aws_pinpoint_email_channel",
      "aws_caller_identity", "aws_partition", "aws_region", "aws_s3_bucket"]));
    expect(typesOf(full).length).toBeGreaterThan(expected.length * 10);
    for (const type of ["aws_iam_role", "aws_s3_bucket"]) expect(given.resource_schemas[type]).toEqual(full.resource_schemas[type]);
    expect(given.data_source_schemas.aws_caller_identity).toEqual(full.data_source_schemas.aws_caller_identity);
    expect(given.provider).toEqual(full.provider);
    expect(given.functions).toEqual(full.functions);
  });

  it("holds the types the local state names, though the configuration no longer does", async () => {
    workdir.write("terraform.tfstate", { version: 4, terraform_version: "1.11.4", serial: 1, lineage: "x", outputs: {},
      resources: [{ mode: "managed", type: "aws_sqs_queue", name: "gone", provider: 'provider["registry.terraform.io/hashicorp/aws"]',
        instances: [] }] });
    try {
      const given = await withProvider(attachableAwsProvider(workdir.dir) as AttachableProvider, testEnv(), schemaJson);
      expect(Object.keys(given.resource_schemas)).toContain("aws_sqs_queue");
      expect(Object.keys(given.resource_schemas)).not.toContain("aws_s3_bucket");
    } finally {
      fs.rmSync(`${workdir.dir}/terraform.tfstate`);
    }
  });

  it("serves a process started later with the schema its binary gave before, and that process answers the command", async () => {
    const provider = attachableAwsProvider(workdir.dir) as AttachableProvider;
    const env = testEnv({ AWS_REGION: "eu-central-1" }); // an environment no other test here uses: a new process
    const pid = await withProvider(provider, env, async (reattach) => {
      expect(typesOf(await schemaJson(reattach))).toContain("aws_iam_role");
      const validate = await run("terraform", ["validate", "-json"], { cwd: workdir.dir, env: { ...env, TF_REATTACH_PROVIDERS: reattach as string } });
      expect(JSON.parse(validate.stdout)).toMatchObject({ valid: true });
      return pidOf(reattach);
    });
    expect(alive(pid)).toBe(true);
  });
});
