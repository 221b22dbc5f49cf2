/**
 * Every folder under examples/ is a cdktf app that runs where it is: its own
 * package.json (this package from the repository, and the versions this
 * repository is tested with) and cdktf.json. Each is synthesized with the
 * cdktf CLI from a copy whose node_modules links to this project's packages
 * (so no registry is needed) and holds this package built from the repository.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR, run, testEnv } from "../support/terraform";

const EXAMPLES_DIR = path.join(PROJECT_DIR, "examples");
const examples = fs.readdirSync(EXAMPLES_DIR).filter((name) => fs.statSync(path.join(EXAMPLES_DIR, name)).isDirectory());
const installed = (name: string): string =>
  JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, "node_modules", name, "package.json"), "utf8")).version;

let work: string;
/** This package as `npm install` of `file:../..` would see it once built: package.json and lib/. */
let builtPackage: string;

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "examples-"));
  builtPackage = path.join(work, "pinpoint-ses-sending-role");
  await run(path.join(PROJECT_DIR, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.build.json", "--outDir", path.join(builtPackage, "lib")],
    { cwd: PROJECT_DIR });
  fs.copyFileSync(path.join(PROJECT_DIR, "package.json"), path.join(builtPackage, "package.json"));
  // As `npm run build` does: tsc does not copy the hand-written declarations of the framework types.
  fs.copyFileSync(path.join(PROJECT_DIR, "modules", "framework-types.d.ts"), path.join(builtPackage, "lib", "framework-types.d.ts"));
});
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** A copy of the example whose node_modules links to this project's (one copy of cdktf for app and construct). */
function exampleCopy(name: string): string {
  const dir = path.join(work, name);
  fs.cpSync(path.join(EXAMPLES_DIR, name), dir, { recursive: true, filter: (source) => !/node_modules|cdktf\.out/.test(source) });
  const modules = path.join(dir, "node_modules");
  fs.mkdirSync(modules);
  for (const entry of fs.readdirSync(path.join(PROJECT_DIR, "node_modules"))) {
    fs.symlinkSync(path.join(PROJECT_DIR, "node_modules", entry), path.join(modules, entry));
  }
  fs.cpSync(builtPackage, path.join(modules, "pinpoint-ses-sending-role"), { recursive: true });
  return dir;
}

describe.each(examples)("examples/%s", (name) => {
  const manifest = () => JSON.parse(fs.readFileSync(path.join(EXAMPLES_DIR, name, "package.json"), "utf8"));

  it("takes this package from the repository and pins the toolchain this repository is tested with", () => {
    const { dependencies, devDependencies } = manifest();
    expect(dependencies["pinpoint-ses-sending-role"]).toBe("file:../..");
    const pinned = { ...dependencies, ...devDependencies };
    delete pinned["pinpoint-ses-sending-role"];
    expect(pinned).toEqual(Object.fromEntries(
      ["@cdktf/provider-aws", "cdktf", "constructs", "cdktf-cli", "ts-node", "typescript", "@types/node"].map((dep) => [dep, installed(dep)])));
  });

  it("is a cdktf app (cdktf.json) that cdktf synth turns into a stack with the role", async () => {
    const dir = exampleCopy(name);
    const cdktf = path.join(dir, "node_modules", ".bin", "cdktf");
    await run(cdktf, ["synth"], { cwd: dir, env: testEnv({ CI: "1" }) });
    const manifestJson = JSON.parse(fs.readFileSync(path.join(dir, "cdktf.out", "manifest.json"), "utf8"));
    const stacks = Object.values(manifestJson.stacks as { [stack: string]: { synthesizedStackPath: string } });
    const resources = stacks.flatMap((stack) =>
      Object.keys(JSON.parse(fs.readFileSync(path.join(dir, "cdktf.out", stack.synthesizedStackPath), "utf8")).resource ?? {}));
    expect(resources).toContain("aws_iam_role");
  });
});
