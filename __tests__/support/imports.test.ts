/**
 * Which test files load cdktf, as jest.config.js's cdktn project decides which to run
 * again on CDK Terrain: a file that does, by any path, must not be left out. And the
 * project's own files import each other without a cycle at run time.
 */
import * as fs from "fs";
import * as os from "os";
import { spawnSync } from "child_process";
import * as path from "path";
import { PROJECT_DIR } from "./terraform";

const { importCycles, loadsCdktf, testFilesLoadingCdktf } = require("./imports");

let dir: string;
const write = (file: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), text);
};
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "imports-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("loadsCdktf", () => {
  it.each([
    ["an import of cdktf", 'import { App } from "cdktf";'],
    ["an import of a cdktf subpath", 'import { Testing } from "cdktf/lib/testing";'],
    ["a deep import of a provider binding", 'import { IamRole } from "@cdktf/provider-aws/lib/iam-role";'],
    ["a require through a local module, two levels down, in a folder's index", 'const x = require("./lib");'],
    ["a dynamic import through a local module", 'const x = await import("./lib/index");'],
  ])("finds %s", (_case, text) => {
    write("lib/index.ts", 'export * from "../deeper/stack";\n');
    write("deeper/stack.ts", 'import { TerraformStack } from "cdktf";\n');
    write("a.test.ts", `${text}\n`);
    expect(loadsCdktf(path.join(dir, "a.test.ts"))).toBe(true);
  });

  it("finds none in a file whose imports, cycles included, never reach cdktf", () => {
    write("a.test.ts", 'import { b } from "./b";\nimport * as fs from "fs";\nimport { cdktfLike } from "cdktf-like";\n');
    write("b.ts", 'import { a } from "./a.test";\nexport const b = "cdktf";\n');
    expect(loadsCdktf(path.join(dir, "a.test.ts"))).toBe(false);
  });

  it("tells the project's files apart: the construct's tests load cdktf, the review's and the run task's do not", () => {
    const files = testFilesLoadingCdktf(path.join(PROJECT_DIR, "__tests__")).map((file: string) => path.relative(PROJECT_DIR, file));
    expect(files).toEqual(expect.arrayContaining(["__tests__/modules/validation.test.ts", "__tests__/app/config.test.ts",
      "__tests__/package/flavour.test.ts", "__tests__/terraform/lifecycle.test.ts"]));
    expect(files.filter((file: string) => /\/(review|run-task|deployer)\/.*(?<!\.terraform)\.test\.ts$/.test(file))).toEqual([]);
  });
});

describe("importCycles", () => {
  it("finds a cycle of run-time imports, through a folder's index and a require, and names its files in order", () => {
    write("a.ts", 'import { b } from "./lib";\n');
    write("lib/index.ts", 'export * from "../c";\n');
    write("c.ts", 'const a = require("./a");\n');
    write("d.ts", 'import { d } from "./d";\n');
    expect(importCycles(["a.ts", "d.ts"].map((file) => path.join(dir, file))))
      .toEqual([["a.ts", "lib/index.ts", "c.ts"], ["d.ts"]].map((cycle) => cycle.map((file) => path.join(dir, file))));
  });

  it("finds none through type-only imports and exports, which the compiler erases", () => {
    write("a.ts", 'import type { B } from "./b";\nexport const a = 1;\n');
    write("b.ts", 'import { a } from "./a";\nexport type { A } from "./c";\n');
    write("c.ts", 'import {\n  b,\n} from "./b";\n');
    expect(importCycles(["a.ts", "b.ts", "c.ts"].map((file) => path.join(dir, file)))).toEqual([]);
  });

  it("finds none among the project's own files (tests and examples' own packages aside)", () => {
    const tracked = spawnSync("git", ["ls-files"], { cwd: PROJECT_DIR, encoding: "utf8" }).stdout.split("\n");
    const code = tracked.filter((file) => /\.[jt]s$/.test(file) && !file.startsWith("examples/")).map((file) => path.join(PROJECT_DIR, file));
    expect(code.length).toBeGreaterThan(100);
    expect(importCycles(code)).toEqual([]);
  });
});
