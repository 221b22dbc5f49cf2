// The suite again on CDK Terrain (cdktn 0.24), the community fork of the deprecated cdktf: every
// `require("cdktf")` (ours and @cdktf/provider-aws's own) resolves to cdktn, as the npm alias
// `cdktf@npm:cdktn@…` does in an app.
const base = require("./jest.config");

// Read by __tests__/package/flavour.test.ts, which fails if the mapping is not in effect.
process.env.CDKTF_FLAVOUR = "cdktn";

/** @type {import('jest').Config} */
module.exports = {
  ...base,
  moduleNameMapper: { "^cdktf$": "cdktn", "^cdktf/(.*)$": "cdktn/$1" },
  // Later globs win; jest expands <rootDir> only at the start, so negations use **.
  testMatch: [
    "<rootDir>/__tests__/**/*.test.ts",
    "!**/__tests__/terraform/**",
    "!**/*.terraform.test.ts",
    "!**/__tests__/package/**",
    // These run the project's commands in child processes, which the mapping cannot reach.
    "!**/__tests__/tooling/commands.test.ts",
    "!**/__tests__/app/main.test.ts",
    "<rootDir>/__tests__/package/flavour.test.ts",
    // The Terraform-backed tests that prove the output: in-process synth and validate, plans in three partitions, one full
    // lifecycle (the default stack's).
    "<rootDir>/__tests__/package/in-process-synth.terraform.test.ts",
    "<rootDir>/__tests__/terraform/plan.test.ts",
    "<rootDir>/__tests__/terraform/lifecycle.test.ts",
  ],
};
