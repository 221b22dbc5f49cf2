/**
 * What we publish is what we test: `npm pack`, install the tarball into a
 * throwaway cdktf app, import the construct by package name, type-check
 * against the shipped declarations, synthesize and validate. Then the same
 * in a CDK Terrain app, installed as docs/cdktn.md tells a cdktn user to.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { docExample } from "../support/doc-examples";
import { PROJECT_DIR, run, TerraformWorkdir } from "../support/terraform";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "pinpoint-ses-pack-"));
// Both consumers synthesize the same stack shape: one init validates both.
const workdir = TerraformWorkdir.create("pack-validate");
let tarball: string;

const CONSUMER_MAIN = path.join(PROJECT_DIR, "examples", "consumer-app", "main.ts");
const PACKAGE = "pinpoint-ses-sending-role";

/** A consumer app in `work/name`: the given manifest, the example's main.ts, installed with `flags`. */
async function installConsumer(name: string, manifest: object, flags: readonly string[] = []): Promise<string> {
  const consumer = path.join(work, name);
  fs.mkdirSync(consumer);
  fs.writeFileSync(path.join(consumer, "package.json"), JSON.stringify({ name, private: true, ...manifest }, null, 2));
  fs.copyFileSync(CONSUMER_MAIN, path.join(consumer, "main.ts"));
  fs.writeFileSync(path.join(consumer, "tsconfig.json"), JSON.stringify({
    compilerOptions: { target: "ES2022", module: "commonjs", strict: true, skipLibCheck: true, types: [] },
    files: ["main.ts"],
  }));
  // --offline: every package comes from the cache `npm ci` filled; the tests need no registry.
  await run("npm", ["install", "--offline", "--no-audit", "--no-fund", ...flags], { cwd: consumer, env: process.env });
  return consumer;
}

/** `tsc -p .` in the consumer (it emits main.js); its output and exit status. */
function compile(consumer: string) {
  return run(process.execPath, [path.join(PROJECT_DIR, "node_modules", "typescript", "bin", "tsc"), "-p", "."],
    { cwd: consumer, env: process.env, allowFailure: true });
}

/** Runs the compiled consumer app and returns its synthesized stack. */
async function synthesize(consumer: string): Promise<any> {
  const outdir = path.join(consumer, "cdktf.out");
  await run(process.execPath, ["main.js"], { cwd: consumer, env: { ...process.env, CDKTF_OUTDIR: outdir } });
  return JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "consumer", "cdk.tf.json"), "utf8"));
}

let initialised: Promise<void> | undefined;

/** `terraform validate` of a synthesized stack; the first call runs the one `terraform init`. */
async function validate(stack: object) {
  workdir.write("cdk.tf.json", stack);
  initialised ??= workdir.init({ backend: false });
  await initialised;
  return workdir.validate();
}

/** The example app's role, as the README's usage example configures it. */
function expectConsumerRole(stack: any): void {
  const [role] = Object.values(stack.resource.aws_iam_role) as any[];
  const [policy] = Object.values(stack.resource.aws_iam_role_policy) as any[];
  expect(role.name_prefix).toBe("consumer-");
  expect(policy.policy).toContain(":identity/example.com\"");
  expect(stack.output.arn.value).toMatch(/^\$\{aws_iam_role\.[\w-]+\.arn\}$/);
}

const installedVersion = (consumer: string, name: string): string =>
  JSON.parse(fs.readFileSync(path.join(consumer, "node_modules", name, "package.json"), "utf8")).version;

beforeAll(async () => {
  const packed = await run("npm", ["pack", "--json", "--pack-destination", work], { cwd: PROJECT_DIR, env: process.env });
  tarball = path.join(work, JSON.parse(packed.stdout.slice(packed.stdout.indexOf("[")))[0].filename);
});

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
  workdir.remove();
});

describe("the published package in a cdktf app", () => {
  let consumer: string;
  let stack: any;

  beforeAll(async () => {
    // Peers link to this project's copies. npm 11 fails to place peers beside file: links
    // (arborist "reading 'matches'"), hence --legacy-peer-deps; the peer ranges are checked
    // from the installed manifest.
    const peer = (name: string) => `file:${path.join(PROJECT_DIR, "node_modules", name)}`;
    consumer = await installConsumer("consumer", {
      dependencies: {
        [PACKAGE]: `file:${tarball}`,
        cdktf: peer("cdktf"),
        constructs: peer("constructs"),
        "@cdktf/provider-aws": peer("@cdktf/provider-aws"),
      },
    }, ["--legacy-peer-deps"]);
  });

  it("ships the compiled construct and its declarations, not the app or tests", async () => {
    const listing = await run("tar", ["-tzf", tarball], { cwd: work, env: process.env });
    const files = listing.stdout.trim().split("\n").sort();
    expect(files).toEqual(expect.arrayContaining([
      "package/lib/index.js", "package/lib/index.d.ts",
      "package/lib/pinpoint-ses-sending-role.js", "package/lib/pinpoint-ses-sending-role.d.ts",
      "package/package.json", "package/README.md",
    ]));
    expect(files.filter((file) => /main\.ts|app\/|__tests__|scripts\/|\.ts$(?<!\.d\.ts)/.test(file))).toEqual([]);
  });

  it("declares as peer dependencies exactly the cdktf, constructs and AWS provider binding lines it is tested with", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(consumer, "node_modules", PACKAGE, "package.json"), "utf8"));
    expect(manifest.peerDependencies).toEqual({
      "@cdktf/provider-aws": "20.1.x",
      cdktf: "0.21.x || 0.24.x",
      constructs: "10.7.x",
    });
    expect(manifest.dependencies).toBeUndefined();
  });

  it("type-checks a consumer app against the shipped declarations", async () => {
    const compiled = await compile(consumer);
    expect(compiled.stdout + compiled.stderr).toBe("");
    expect(compiled.status).toBe(0);
  });

  it("synthesizes the consumer app's role from the installed package, and terraform validate accepts it", async () => {
    stack = await synthesize(consumer);
    expectConsumerRole(stack);
    expect(await validate(stack)).toMatchObject({ valid: true, diagnostics: [] });
  });
});

describe("the published package in a CDK Terrain app, installed as docs/cdktn.md shows", () => {
  let consumer: string;

  beforeAll(async () => {
    const manifest = JSON.parse(docExample("docs/cdktn.md", "cdktn-package-json"));
    // The one change from the documented manifest: this package comes from the tarball, not the registry.
    manifest.dependencies[PACKAGE] = `file:${tarball}`;
    // No --legacy-peer-deps: the documented override must be enough for npm's peer checks.
    consumer = await installConsumer("cdktn-consumer", manifest);
  });

  it("leaves a tree in which npm ls finds nothing missing, extraneous or invalid", async () => {
    const listed = await run("npm", ["ls", "--all", "--json"], { cwd: consumer, env: process.env, allowFailure: true });
    expect({ status: listed.status, problems: JSON.parse(listed.stdout).problems }).toEqual({ status: 0, problems: undefined });
  });

  it("puts cdktn 0.24.0 under the name cdktf, beside @cdktf/provider-aws 20.1.0 and constructs 10.7.2", () => {
    expect(JSON.parse(fs.readFileSync(path.join(consumer, "node_modules", "cdktf", "package.json"), "utf8")).name).toBe("cdktn");
    expect({
      cdktf: installedVersion(consumer, "cdktf"),
      "@cdktf/provider-aws": installedVersion(consumer, "@cdktf/provider-aws"),
      constructs: installedVersion(consumer, "constructs"),
    }).toEqual({ cdktf: "0.24.0", "@cdktf/provider-aws": "20.1.0", constructs: "10.7.2" });
  });

  it("type-checks the consumer app against cdktn's declarations", async () => {
    const compiled = await compile(consumer);
    expect(compiled.stdout + compiled.stderr).toBe("");
    expect(compiled.status).toBe(0);
  });

  it("synthesizes the consumer app's role on cdktn, and terraform validate accepts it", async () => {
    const stack = await synthesize(consumer);
    expectConsumerRole(stack);
    expect(await validate(stack)).toMatchObject({ valid: true, diagnostics: [] });
  });
});
