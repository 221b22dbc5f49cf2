/**
 * The whole project, tests included, type-checks (`tsc --noEmit`): jest
 * only strips types (sucrase). It runs first (support/typecheck-first.js),
 * beside the other test files.
 */
import { PROJECT_DIR, run } from "./support/terraform";

it("type-checks with npm run typecheck (tsc --noEmit), without a single error", async () => {
  const tsc = await run("npm", ["run", "-s", "typecheck"], { cwd: PROJECT_DIR, env: process.env, allowFailure: true });
  expect({ status: tsc.status, output: `${tsc.stdout}${tsc.stderr}` }).toEqual({ status: 0, output: "" });
});
