/**
 * Each jest project runs on the cdktf flavour its configuration names: cdktf
 * itself, or CDK Terrain where jest.config.js's cdktn project maps the name
 * `cdktf` to cdktn (and sets the global CDKTF_FLAVOUR). Without this test a
 * broken mapping would silently test cdktf twice.
 */
import * as path from "path";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformProvider, TerraformStack, Testing } from "cdktf";
import { PROJECT_DIR } from "../support/terraform";

const flavour = (globalThis as { CDKTF_FLAVOUR?: string }).CDKTF_FLAVOUR === "cdktn" ? "cdktn" : "cdktf";

describe(`the suite on ${flavour}`, () => {
  it(`resolves the name cdktf into node_modules/${flavour}`, () => {
    expect(path.relative(PROJECT_DIR, require.resolve("cdktf"))).toBe(path.join("node_modules", flavour, "lib", "index.js"));
  });

  it(`resolves cdktf subpaths, such as the jest adapter, into node_modules/${flavour}`, () => {
    expect(path.relative(PROJECT_DIR, require.resolve("cdktf/lib/testing/adapters/jest")))
      .toBe(path.join("node_modules", flavour, "lib", "testing", "adapters", "jest.js"));
  });

  it(`builds the AWS provider binding on ${flavour}'s classes, so both share one construct tree`, () => {
    const stack = new TerraformStack(Testing.app(), "flavour");
    expect(new AwsProvider(stack, "aws", { region: "us-east-1" })).toBeInstanceOf(TerraformProvider);
  });
});
