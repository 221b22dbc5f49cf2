// `npm test` runs two jest projects in one run, on two workers: the whole suite on cdktf, and the files that load cdktf
// again on CDK Terrain (cdktn 0.24, the community fork of the deprecated cdktf). One run: one global setup, one
// temporary root (the Terraform inits and provider schema are shared), and no second jest start-up.
const path = require("path");
const { testFilesLoadingCdktf } = require("./__tests__/support/imports");

// Terraform-backed tests (__tests__/terraform/, *.terraform.test.ts) run unless TERRAFORM_TESTS=off;
// when they run, a missing terraform fails the run in global setup.
const terraformTests = process.env.TERRAFORM_TESTS !== "off";
const TERRAFORM_BACKED = ["<rootDir>/__tests__/terraform/", "\\.terraform\\.test\\.ts$"];
const TESTS = path.join(__dirname, "__tests__");
const isTerraformBacked = (file) => TERRAFORM_BACKED.some((pattern) => new RegExp(pattern.replace("<rootDir>", __dirname)).test(file));

/** What both projects share. */
const project = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testPathIgnorePatterns: ["/node_modules/", ...(terraformTests ? [] : TERRAFORM_BACKED)],
  // Sucrase only strips types (fast); __tests__/typecheck.test.ts type-checks with tsc, first in line.
  transform: { "^.+\\.ts$": "@sucrase/jest-plugin" },
  // Runs once for the run, whichever projects it holds.
  globalSetup: "<rootDir>/__tests__/support/global-setup.ts",
};

// On cdktn, the Terraform-backed tests that prove the output: in-process synth and validate, plans in three partitions,
// one full lifecycle (the default stack's).
const CDKTN_TERRAFORM_BACKED = ["package/in-process-synth.terraform.test.ts", "terraform/plan.test.ts", "terraform/lifecycle.test.ts"];

/** @type {import('jest').Config} */
module.exports = {
  testSequencer: "<rootDir>/__tests__/support/typecheck-first.js",
  testTimeout: 10 * 60_000,
  maxWorkers: 2,
  projects: [
    { ...project, displayName: "cdktf", testMatch: ["**/*.test.ts"] },
    {
      ...project,
      displayName: "cdktn",
      // Every `require("cdktf")` (ours and @cdktf/provider-aws's own) resolves to cdktn: the construct runs on cdktn's
      // classes with the 5.x binding the mirror's provider validates (cdktn with its own binding, @cdktn/provider-aws, is
      // __tests__/package/version-matrix.terraform.test.ts's). __tests__/package/flavour.test.ts fails if the mapping is
      // not in effect.
      moduleNameMapper: { "^cdktf$": "cdktn", "^cdktf/(.*)$": "cdktn/$1" },
      globals: { CDKTF_FLAVOUR: "cdktn" },
      // The files that load cdktf: the others run the same code on either. Files that run the project's commands in
      // child processes (which the mapping cannot reach) load it there only, and are left out with them.
      testMatch: [
        ...testFilesLoadingCdktf(TESTS).filter((file) => !isTerraformBacked(file)),
        ...CDKTN_TERRAFORM_BACKED.map((file) => path.join(TESTS, file)),
      ],
    },
  ],
};
