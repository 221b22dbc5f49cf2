/**
 * Every temporary folder a test makes is removed, pass or fail: global setup
 * gives the run one temporary root and removes it when jest exits.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR, run } from "./terraform";

let tmpdir: string;
beforeAll(() => {
  tmpdir = fs.mkdtempSync(path.join(os.tmpdir(), "temporary-folders-"));
});
afterAll(() => fs.rmSync(tmpdir, { recursive: true, force: true }));

it("leaves no folder in the temporary directory after a failing test that made some, cdktf's Testing outdir included", async () => {
  const jest = path.join(PROJECT_DIR, "node_modules", ".bin", "jest");
  const result = await run(process.execPath,
    [jest, "--selectProjects", "cdktf", "--testMatch", "**/leaves-temporary-folders.fixture.ts", "--cacheDirectory", path.join(os.tmpdir(), "jest-cache")],
    { cwd: PROJECT_DIR, env: { ...process.env, TMPDIR: tmpdir, TERRAFORM_TESTS: "off" }, allowFailure: true });
  expect(result.stderr).toContain("✕ makes temporary folders and fails");
  expect(result.status).toBe(1);
  expect(fs.readdirSync(tmpdir)).toEqual([]);
});

it("runs this test inside the run's temporary root, not the system's temporary directory", () => {
  expect(path.basename(os.tmpdir())).toMatch(/^pinpoint-ses-tests-/);
});
