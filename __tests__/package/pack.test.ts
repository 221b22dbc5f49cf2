/**
 * What we publish is what we test: `npm pack`, install the tarball into a
 * throwaway cdktf app, import the construct by package name, type-check
 * against the shipped declarations, and synthesize.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR, run } from "../support/terraform";

const work = fs.mkdtempSync(path.join(os.tmpdir(), "pinpoint-ses-pack-"));
const consumer = path.join(work, "consumer");
let tarball: string;

const CONSUMER_MAIN = path.join(PROJECT_DIR, "examples", "consumer-app", "main.ts");

beforeAll(async () => {
  const packed = await run("npm", ["pack", "--json", "--pack-destination", work], { cwd: PROJECT_DIR, env: process.env });
  tarball = path.join(work, JSON.parse(packed.stdout.slice(packed.stdout.indexOf("[")))[0].filename);
  fs.mkdirSync(consumer);
  // Peers link to this project's copies, so the install needs no registry. npm 11 fails to
  // place peers beside file: links (arborist "reading 'matches'"), hence --legacy-peer-deps below;
  // the peer ranges themselves are checked from the installed manifest.
  const peer = (name: string) => `file:${path.join(PROJECT_DIR, "node_modules", name)}`;
  fs.writeFileSync(path.join(consumer, "package.json"), JSON.stringify({
    name: "consumer",
    private: true,
    dependencies: {
      "pinpoint-ses-sending-role": `file:${tarball}`,
      cdktf: peer("cdktf"),
      constructs: peer("constructs"),
      "@cdktf/provider-aws": peer("@cdktf/provider-aws"),
    },
  }));
  fs.copyFileSync(CONSUMER_MAIN, path.join(consumer, "main.ts"));
  fs.writeFileSync(path.join(consumer, "tsconfig.json"), JSON.stringify({
    compilerOptions: { target: "ES2022", module: "commonjs", strict: true, skipLibCheck: true, types: [] },
    files: ["main.ts"],
  }));
  await run("npm", ["install", "--offline", "--no-audit", "--no-fund", "--legacy-peer-deps"], { cwd: consumer, env: process.env });
});

afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe("the published package", () => {
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

  it("declares cdktf, constructs and the AWS provider binding as peer dependencies", () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(consumer, "node_modules", "pinpoint-ses-sending-role", "package.json"), "utf8"));
    expect(Object.keys(manifest.peerDependencies).sort()).toEqual(["@cdktf/provider-aws", "cdktf", "constructs"]);
    expect(manifest.dependencies).toBeUndefined();
  });

  it("type-checks a consumer app against the shipped declarations", async () => {
    const compiled = await run(process.execPath, [path.join(PROJECT_DIR, "node_modules", "typescript", "bin", "tsc"), "-p", "."],
      { cwd: consumer, env: process.env, allowFailure: true });
    expect(compiled.stdout + compiled.stderr).toBe("");
    expect(compiled.status).toBe(0);
  });

  it("synthesizes the consumer app's role from the installed package", async () => {
    const outdir = path.join(work, "out");
    await run(process.execPath, ["main.js"], { cwd: consumer, env: { ...process.env, CDKTF_OUTDIR: outdir } });
    const json = JSON.parse(fs.readFileSync(path.join(outdir, "stacks", "consumer", "cdk.tf.json"), "utf8"));
    const [role] = Object.values(json.resource.aws_iam_role) as any[];
    const [policy] = Object.values(json.resource.aws_iam_role_policy) as any[];
    expect(role.name_prefix).toBe("consumer-");
    expect(policy.policy).toContain(":identity/example.com\"");
    expect(json.output.arn.value).toMatch(/^\$\{aws_iam_role\.[\w-]+\.arn\}$/);
  });
});
