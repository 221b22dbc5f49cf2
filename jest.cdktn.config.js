// The suite again on CDK Terrain (cdktn 0.24), the community fork of the deprecated cdktf: every
// `require("cdktf")` (ours and @cdktf/provider-aws's own) resolves to cdktn, as the npm alias
// `cdktf@npm:cdktn@…` does in an app.
const path = require("path");
const base = require("./jest.config");
const { testFilesLoadingCdktf } = require("./__tests__/support/cdktf-imports");

// Read by __tests__/package/flavour.test.ts, which fails if the mapping is not in effect.
process.env.CDKTF_FLAVOUR = "cdktn";

const TESTS = path.join(__dirname, "__tests__");
// The Terraform-backed tests that prove the output: in-process synth and validate, plans in three partitions, one full
// lifecycle (the default stack's).
const TERRAFORM_BACKED = ["package/in-process-synth.terraform.test.ts", "terraform/plan.test.ts", "terraform/lifecycle.test.ts"];

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  moduleNameMapper: { "^cdktf$": "cdktn", "^cdktf/(.*)$": "cdktn/$1" },
  // The files that load cdktf: the others run the same code on either. Files that run the project's commands in
  // child processes (which the mapping cannot reach) load it there only, and are left out with them.
  testMatch: [
    ...testFilesLoadingCdktf(TESTS).filter((file) => !/^terraform\/|\.terraform\.test\.ts$/.test(path.relative(TESTS, file))),
    ...TERRAFORM_BACKED.map((file) => path.join(TESTS, file)),
  ],
};
