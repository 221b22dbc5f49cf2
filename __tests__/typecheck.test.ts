/**
 * The whole project, tests included, type-checks (`tsc --noEmit`): jest
 * only strips types (sucrase). It runs first (support/typecheck-first.js),
 * beside the other test files.
 */
import * as path from "path";
import { PROJECT_DIR, run } from "./support/terraform";

it("type-checks with tsc --noEmit -p tsconfig.json, without a single error", async () => {
  const tsc = await run(path.join(PROJECT_DIR, "node_modules", ".bin", "tsc"), ["--noEmit", "-p", "tsconfig.json"],
    { cwd: PROJECT_DIR, env: process.env, allowFailure: true });
  expect({ status: tsc.status, output: `${tsc.stdout}${tsc.stderr}` }).toEqual({ status: 0, output: "" });
});
