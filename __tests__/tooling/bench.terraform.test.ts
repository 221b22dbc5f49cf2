/**
 * `npm run bench`, where the run task's benchmark cannot plan (the provider cannot be installed): it stops at once, with
 * one line naming the variable, before anything slow. (Its timings are never checked: they belong to the benchmark.)
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR, run } from "../support/terraform";

it("npm run bench -- run-task stops at once, in one line naming the mirror variable, where the provider cannot be installed", async () => {
  const mirror = fs.mkdtempSync(path.join(os.tmpdir(), "empty-mirror-"));
  try {
    const result = await run("npm", ["run", "-s", "bench", "--", "run-task"],
      { cwd: PROJECT_DIR, allowFailure: true, env: { ...process.env, TERRAFORM_PROVIDER_MIRROR: mirror } });
    expect(result).toEqual({
      status: 1,
      stdout: "",
      stderr: `bench: terraform cannot install the hashicorp/aws provider from the mirror ${mirror}; ` +
        "name a provider mirror: TERRAFORM_PROVIDER_MIRROR=DIR npm run bench\n",
    });
  } finally {
    fs.rmSync(mirror, { recursive: true, force: true });
  }
});
