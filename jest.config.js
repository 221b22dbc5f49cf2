// Terraform-backed tests (__tests__/terraform/, *.terraform.test.ts) run unless TERRAFORM_TESTS=off;
// when they run, a missing terraform fails the run in global setup.
const terraformTests = process.env.TERRAFORM_TESTS !== "off";

/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  testPathIgnorePatterns: ["/node_modules/", ...(terraformTests ? [] : ["<rootDir>/__tests__/terraform/", "\\.terraform\\.test\\.ts$"])],
  // Sucrase only strips types (fast); __tests__/typecheck.test.ts type-checks with tsc, first in line.
  transform: { "^.+\\.ts$": "@sucrase/jest-plugin" },
  testSequencer: "<rootDir>/__tests__/support/typecheck-first.js",
  globalSetup: "<rootDir>/__tests__/support/global-setup.ts",
  testTimeout: 10 * 60_000,
  maxWorkers: 2,
};
