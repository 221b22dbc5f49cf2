/**
 * The started providers terraform commands attach to: which configurations
 * may attach, and that a process serves one command, one environment at a
 * time. A wrong answer here would let one provider configuration answer for
 * another, and the Terraform-backed tests would prove the wrong thing.
 */
import * as fs from "fs";
import * as http2 from "http2";
import * as net from "net";
import * as os from "os";
import { initialisedWorkdir } from "./lifecycle";
import { AttachableProvider, attachableAwsProvider, startedProviders, startProvider, withProvider } from "./provider-pool";
import { keptAnswerFile, narrowed } from "./schema-proxy";
import { run, TerraformWorkdir, testEnv } from "./terraform";

let workdir: TerraformWorkdir;
let stackJson: any;

beforeAll(async () => {
  workdir = await initialisedWorkdir("provider-pool");
  stackJson = JSON.parse(fs.readFileSync(`${workdir.dir}/cdk.tf.json`, "utf8"));
});

afterAll(() => workdir?.remove());

const alive = (pid: number): boolean => {
  try {
    return process.kill(pid, 0);
  } catch {
    return false;
  }
};

/** No call leaves the provider: fake keys, no account lookup, endpoints on a closed port. */
const OFFLINE_ENV = { AWS_ENDPOINT_URL: "http://127.0.0.1:9" };
/** One aws provider configuration per Region (all but the first aliased), each read back by a data source into an output. */
const offlineRegions = (regions: readonly string[]) => {
  const offline = { access_key: "AKIAEXAMPLE", secret_key: "example", skip_credentials_validation: true,
    skip_requesting_account_id: true, skip_metadata_api_check: true };
  return {
    terraform: stackJson.terraform,
    provider: { aws: regions.map((region, i) => ({ ...offline, region, ...(i ? { alias: `r${i}` } : {}) })) },
    data: { aws_region: Object.fromEntries(regions.map((_r, i) => [`r${i}`, i ? { provider: `aws.r${i}` } : {}])) },
    output: Object.fromEntries(regions.map((_r, i) => [`r${i}`, { value: `\${data.aws_region.r${i}.id}` }])),
  };
};

describe("attachableAwsProvider", () => {
  afterEach(() => {
    workdir.write("cdk.tf.json", stackJson);
    fs.rmSync(`${workdir.dir}/extra.tf`, { force: true });
    for (const folder of ["tests", "role"]) fs.rmSync(`${workdir.dir}/${folder}`, { recursive: true, force: true });
  });
  const needs = (type: string) => (attachableAwsProvider(workdir.dir) as AttachableProvider).needs(type);

  it("gives the installed hashicorp/aws provider", () => {
    expect(attachableAwsProvider(workdir.dir)?.binary).toMatch(/\/terraform-provider-aws_v[\d.]+_x5$/);
  });

  it("needs the project's families of types and no other, for the app's stack", () => {
    expect(["aws_iam_role", "aws_iam_role_policies_exclusive", "aws_pinpoint_email_channel", "aws_sesv2_email_identity",
      "aws_partition", "aws_caller_identity", "aws_region"].filter((type) => !needs(type))).toEqual([]);
    expect(["aws_s3_bucket", "aws_regions", "aws_instance", "aws_lambda_function"].filter(needs)).toEqual([]);
  });

  it("needs every type the configuration names: HCL, test files' mocks, local modules called from JSON and HCL", () => {
    fs.mkdirSync(`${workdir.dir}/tests`, { recursive: true });
    fs.mkdirSync(`${workdir.dir}/role`, { recursive: true });
    workdir.write("extra.tf", 'resource "aws_s3_bucket" "logs" {}\n\nmodule "hcl" {\n  source = "./role"\n}\n');
    workdir.write("tests/mocked.tftest.hcl", 'mock_provider "aws" {\n  mock_resource "aws_sqs_queue" {}\n}\n');
    workdir.write("role/main.tf", 'data "aws_vpc" "this" {}\n');
    workdir.write("cdk.tf.json", { ...stackJson, module: { json: { source: "./role" } } });
    expect(["aws_s3_bucket", "aws_sqs_queue", "aws_vpc"].filter((type) => !needs(type))).toEqual([]);
    expect(needs("aws_instance")).toBe(false);
  });

  it.each([
    ["a module call to a registry module", () => workdir.write("cdk.tf.json", { ...stackJson, module: { role: { source: "terraform-aws-modules/iam/aws" } } })],
    ["a module call to a missing folder", () => workdir.write("cdk.tf.json", { ...stackJson, module: { role: { source: "./nowhere" } } })],
    ["an HCL module call to a registry module", () => workdir.write("extra.tf", 'module "role" {\n  source = "terraform-aws-modules/iam/aws"\n}\n')],
    ["a JSON file that does not parse", () => workdir.write("cdk.tf.json", "{ not json")],
  ])("needs every type where the types cannot be told: %s", (_case, write) => {
    write();
    expect(needs("aws_instance")).toBe(true);
  });

  it("leaves a JSON file that does not parse for terraform to report, as it would anyway", async () => {
    workdir.write("cdk.tf.json", "{ not json");
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
  const env = testEnv({ ...OFFLINE_ENV, AWS_REGION: "us-east-1" });
  /** An offline plan of one Region's data source, in a fork of the workdir: one configured process. */
  const planRegion = async (planEnv: NodeJS.ProcessEnv, region = "eu-west-3") => {
    const fork = workdir.fork(`provider-pool-${region}`);
    try {
      fork.write("cdk.tf.json", offlineRegions([region]));
      return (await fork.plan(planEnv)).planned_values?.outputs?.r0?.value;
    } finally {
      fork.remove();
    }
  };
  const configured = async (planEnv: NodeJS.ProcessEnv) => (await startedProviders(binary().binary, planEnv)).idle;

  it("gives two commands in turn the same running process", async () => {
    expect(await planRegion(env)).toBe("eu-west-3");
    const [first] = await configured(env);
    expect(await planRegion(env, "sa-east-1")).toBe("sa-east-1");
    expect(await configured(env)).toEqual([first]);
    expect(alive(first)).toBe(true);
  });

  it("gives two commands at once, each configuring the provider its own way, a process each", async () => {
    const concurrentEnv = testEnv({ ...OFFLINE_ENV, POOL_TEST: "concurrent" });
    const regions = ["eu-west-3", "sa-east-1"];
    // That two connections configuring at once get two processes is schema-proxy.test.ts's; here, that each plan is right.
    expect(await Promise.all(regions.map((region) => planRegion(concurrentEnv, region)))).toEqual(regions);
  });

  it("gives a command with another environment (another endpoint) its own process", async () => {
    await planRegion(env);
    const otherEnv = { ...env, AWS_ENDPOINT_URL_IAM: "http://127.0.0.1:19" };
    await planRegion(otherEnv);
    const [here, there] = [await configured(env), await configured(otherEnv)];
    expect(there).toHaveLength(1);
    expect(here).not.toContain(there[0]);
  });

  it("never gives out again a process that has ended", async () => {
    await planRegion(env);
    const [ended] = await configured(env);
    process.kill(ended, "SIGKILL");
    // Its watchdog shell ends with it; give this process the moment it takes to learn of that.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await planRegion(env)).toBe("eu-west-3");
    const [next] = await configured(env);
    expect(next).not.toBe(ended);
    expect(alive(next)).toBe(true);
  });

  it("starts no never-configured process for a command whose every call before Configure has a kept answer", async () => {
    const warmEnv = testEnv({ ...OFFLINE_ENV, POOL_TEST: "warm" });
    await planRegion(env); // the same requests, in another environment: their answers are kept
    expect(await planRegion(warmEnv)).toBe("eu-west-3");
    expect(await startedProviders(binary().binary, warmEnv)).toEqual({ unconfigured: undefined, idle: [expect.any(Number)] });
  });

  it("keeps validation answers that processes started with other AWS settings give byte for byte alike", async () => {
    expect(await workdir.validate()).toMatchObject({ valid: true }); // the app's stack: its resources' validation
    await planRegion(env);
    const kept = fs.readdirSync(os.tmpdir()).filter((file) => file.startsWith("aws-provider-answer-"))
      .map((file) => JSON.parse(fs.readFileSync(`${os.tmpdir()}/${file}`, "utf8")))
      .filter((answer) => answer.key.startsWith("[")).map((answer) => ({ ...answer, key: JSON.parse(answer.key) }))
      .filter(({ key: [keptBinary] }) => keptBinary === binary().binary);
    // The configuration's validation, and one resource's and one data source's at least.
    expect(new Set(kept.map(({ key: [, call] }) => call.split("/").pop()))).toEqual(
      new Set(["PrepareProviderConfig", "ValidateResourceTypeConfig", "ValidateDataSourceConfig"]));
    const settings = [
      { AWS_REGION: "eu-west-1", AWS_DEFAULT_REGION: "eu-west-1", AWS_PROFILE: "one", AWS_ACCESS_KEY_ID: "AKIAONE",
        AWS_SECRET_ACCESS_KEY: "one", AWS_SESSION_TOKEN: "one", AWS_ENDPOINT_URL: "http://127.0.0.1:9", AWS_MAX_ATTEMPTS: "1",
        AWS_USE_FIPS_ENDPOINT: "true", AWS_CONFIG_FILE: "/nowhere/one", AWS_SHARED_CREDENTIALS_FILE: "/nowhere/one" },
      { AWS_REGION: "ap-southeast-2", AWS_DEFAULT_REGION: "us-gov-west-1", AWS_PROFILE: "two", AWS_ACCESS_KEY_ID: "AKIATWO",
        AWS_SECRET_ACCESS_KEY: "two", AWS_ENDPOINT_URL_IAM: "http://127.0.0.1:19", AWS_ENDPOINT_URL_STS: "http://127.0.0.1:29",
        AWS_MAX_ATTEMPTS: "9", AWS_RETRY_MODE: "adaptive", AWS_USE_DUALSTACK_ENDPOINT: "true", AWS_EC2_METADATA_DISABLED: "true" },
    ];
    const providers = await Promise.all(settings.map((extra) => startProvider(binary().binary, { ...process.env, ...extra })));
    try {
      for (const { key: [, call, request], body } of kept) {
        const given = await Promise.all(providers.map(({ socket }) => ask(socket, call, Buffer.from(request, "base64"))));
        expect({ call, given }).toEqual({ call, given: [body, body] });
      }
    } finally {
      providers.forEach((provider) => provider.stop());
    }
  });

  it.each([
    ["cannot start in debug mode", "echo 'no debug mode here'\nexit 1", "did not start in debug mode:"],
    // The proxy knows protocol 5's calls only: which one configures, which one asks for the schema.
    ["speaks another plugin protocol", `cat <<'END'\nTF_REATTACH_PROVIDERS='${JSON.stringify({ "registry.terraform.io/hashicorp/aws":
      { Protocol: "grpc", ProtocolVersion: 6, Pid: 1, Test: true, Addr: { Network: "unix", String: "/nowhere" } } })}'\nEND\nexec sleep 30`,
    "speaks plugin protocol 6, not 5"],
  ])("lets the command start its own provider, saying so, when the binary %s", async (_case, script, problem) => {
    const fake = TerraformWorkdir.create("not-a-provider");
    fake.write("terraform-provider-aws", `#!/bin/sh\n${script}\n`);
    fs.chmodSync(`${fake.dir}/terraform-provider-aws`, 0o755);
    const stderr = jest.spyOn(process.stderr, "write").mockImplementation(() => true);
    const notAProvider = { binary: `${fake.dir}/terraform-provider-aws`, needs: () => true };
    try {
      const given = await Promise.all([1, 2].map(() => withProvider(notAProvider, env, async (reattach) => reattach)));
      const third = await withProvider(notAProvider, env, async (reattach) => reattach);
      expect([...given, third]).toEqual([undefined, undefined, undefined]);
      const said = stderr.mock.calls.map(([text]) => String(text)).filter((text) => text.startsWith("provider-pool:"));
      expect(said.length).toBeGreaterThanOrEqual(1);
      expect(said[0]).toBe(`provider-pool: the hashicorp/aws provider ${problem}; terraform commands start their own provider\n`);
    } finally {
      stderr.mockRestore();
      fake.remove();
    }
  });

  it("serves a real command with three provider configurations (aliases): each its own settings, from processes that outlive it", async () => {
    const regions = ["us-east-1", "eu-west-1", "ap-southeast-2"];
    workdir.write("cdk.tf.json", offlineRegions(regions));
    const aliasEnv = testEnv({ ...OFFLINE_ENV, POOL_TEST: "aliases" });
    const cpuTicks = (pid: number) => fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ").slice(11, 13).map(Number)
      .reduce((sum, ticks) => sum + ticks, 0);
    try {
      const plan = await workdir.plan(aliasEnv);
      expect(Object.fromEntries(Object.entries(plan.planned_values?.outputs ?? {}).map(([name, output]: [string, any]) => [name, output.value])))
        .toEqual({ r0: regions[0], r1: regions[1], r2: regions[2] });
      // The configured instances had processes of their own (how many depends on how terraform overlaps them: one
      // process per connection at a time is schema-proxy.test.ts's). Configuring the provider (its AWS SDK settings)
      // and reading the data sources take them a few hundredths of a second or more.
      const { unconfigured, idle } = await startedProviders(binary().binary, aliasEnv);
      expect(idle.length).toBeGreaterThanOrEqual(1);
      expect(idle).not.toContain(unconfigured);
      expect(idle.reduce((sum, pid) => sum + cpuTicks(pid), 0)).toBeGreaterThan(2);
      expect(idle.every(alive)).toBe(true);
    } finally {
      workdir.write("cdk.tf.json", stackJson);
    }
  });
});

/** One gRPC call to the provider listening on `socket`; the answer's body (prefix and message), base64. */
async function ask(socket: string, call: string, request: Buffer): Promise<string> {
  const connection = http2.connect("http://localhost", { createConnection: () => net.connect(socket) });
  try {
    return await new Promise((resolve, reject) => {
      const stream = connection.request({ ":method": "POST", ":path": call, "content-type": "application/grpc", te: "trailers" });
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => resolve(Buffer.concat(chunks).toString("base64")));
      stream.on("error", reject);
      stream.end(request);
    });
  } finally {
    connection.close();
  }
}

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

  it("serves a command in an environment no process was started with, from the schema its binary gave before", async () => {
    const provider = attachableAwsProvider(workdir.dir) as AttachableProvider;
    const env = testEnv({ AWS_REGION: "eu-central-1" }); // an environment no other test here uses
    await withProvider(provider, env, async (reattach) => {
      expect(typesOf(await schemaJson(reattach))).toContain("aws_iam_role");
      const validate = await run("terraform", ["validate", "-json"], { cwd: workdir.dir, env: { ...env, TF_REATTACH_PROVIDERS: reattach as string } });
      expect(JSON.parse(validate.stdout)).toMatchObject({ valid: true });
    });
  });

  it("is read from the run's temporary root by a test file that has not asked a provider for it yet", async () => {
    // Under another path (a link to the same binary), so that no other test file reads the schema planted here.
    const linked = TerraformWorkdir.create("provider-link");
    const binaryPath = `${linked.dir}/terraform-provider-aws`;
    fs.symlinkSync((attachableAwsProvider(workdir.dir) as AttachableProvider).binary, binaryPath);
    const stored = JSON.parse(fs.readFileSync(keptAnswerFile((attachableAwsProvider(workdir.dir) as AttachableProvider).binary), "utf8"));
    // The stored schema with only aws_iam_role: what terraform sees then can only have come from this file.
    const planted = narrowed(Buffer.from(stored.body, "base64"), (type) => type === "aws_iam_role");
    fs.writeFileSync(keptAnswerFile(binaryPath), JSON.stringify({ ...stored, body: planted.toString("base64") }));
    try {
      // A fresh copy of the pool and the proxy, with nothing in memory, as another test file has.
      let given: Promise<any> | undefined;
      jest.isolateModules(() => {
        const fresh: typeof import("./provider-pool") = require("./provider-pool");
        given = fresh.withProvider({ binary: binaryPath, needs: () => true }, testEnv(), schemaJson);
      });
      const schema = await given;
      expect([Object.keys(schema.resource_schemas), Object.keys(schema.data_source_schemas)]).toEqual([["aws_iam_role"], ["aws_iam_role"]]);
    } finally {
      linked.remove();
    }
  });
});
