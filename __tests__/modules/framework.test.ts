/**
 * The constructs build with the framework their stack is made of, cdktf or
 * CDK Terrain, and that framework's AWS binding (modules/framework.ts). The
 * success on CDK Terrain's own binding is proven where it is installed, in
 * __tests__/package/version-matrix.terraform.test.ts; here, the choice and its
 * errors. Under the cdktn jest project the name cdktf is cdktn, so "the app's
 * framework" is cdktn there.
 */
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import * as cdktf from "cdktf";
import { TerraformStack, Testing } from "cdktf";
import { Construct } from "constructs";
import { PinpointSesEmailChannel, PinpointSesSendingRole } from "../../modules";
import { frameworkOf } from "../../modules/framework";

const flavour = (globalThis as { CDKTF_FLAVOUR?: string }).CDKTF_FLAVOUR === "cdktn" ? "cdktn" : "cdktf";
const cdktn = require("cdktn");

describe(`on the ${flavour} project`, () => {
  it("takes the framework module and the binding's classes of the stack's framework", () => {
    const framework = frameworkOf(new TerraformStack(Testing.app(), "stack"), "Test");
    expect({ name: framework.name, binding: framework.binding }).toEqual({ name: "cdktf", binding: "@cdktf/provider-aws" });
    expect(framework.core).toBe(cdktf);
    expect(framework.aws.IamRole).toBe(IamRole);
  });

  it("finds the stack from a scope nested below it", () => {
    const nested = new Construct(new Construct(new TerraformStack(Testing.app(), "stack"), "a"), "b");
    expect(frameworkOf(nested, "Test").core).toBe(cdktf);
  });

  it.each([
    ["the app itself", () => Testing.app(), "the root of its tree"],
    ["a construct tree without a stack", () => new Construct(new Construct(undefined as any, ""), "loose"), '"loose"'],
  ])("refuses %s as scope, with one line, adding nothing to it", (_case, makeScope, where) => {
    const scope: Construct = makeScope();
    const expected = (user: string) => `${user} scope ${where} is not inside a TerraformStack of cdktf or cdktn; create it in a stack`;
    expect(() => new PinpointSesSendingRole(scope, "sender")).toThrow(new Error(expected("PinpointSesSendingRole")));
    expect(scope.node.children).toEqual([]);
  });

  it("refuses an email channel outside a stack the same way", () => {
    const role = new PinpointSesSendingRole(new TerraformStack(Testing.app(), "stack"), "sender");
    const loose = new Construct(new Construct(undefined as any, ""), "loose");
    expect(() => new PinpointSesEmailChannel(loose, "channel", {
      applicationId: "0123456789abcdef0123456789abcdef", identity: "example.com", fromAddress: "news@example.com", sendingRole: role,
    })).toThrow(new Error('PinpointSesEmailChannel scope "loose" is not inside a TerraformStack of cdktf or cdktn; create it in a stack'));
  });
});

// Only where cdktf is itself: under the cdktn project both names are one module (cdktn), whose stacks are the app's.
if (flavour === "cdktf") {
  it("in a CDK Terrain stack, asks for CDK Terrain's binding, which this project does not install, leaving the stack empty", () => {
    const stack = new cdktn.TerraformStack(cdktn.Testing.app(), "terrain");
    expect(() => new PinpointSesSendingRole(stack, "sender")).toThrow(new Error("pinpoint-ses-sending-role needs " +
      "@cdktn/provider-aws, the AWS provider binding of cdktn, and it is not installed; add it to the app (npm install @cdktn/provider-aws)"));
    expect(stack.node.children).toEqual([]);
  });

  describe("loading the frameworks", () => {
    /** frameworkOf in a module registry of its own, where `cdktf` and `cdktn` fail to load with `failure(name)`. */
    function frameworkOfWhere(failure: (name: string) => Error): typeof frameworkOf {
      let isolated: typeof frameworkOf = frameworkOf;
      jest.isolateModules(() => {
        for (const name of ["cdktf", "cdktn"]) {
          jest.doMock(name, () => {
            throw failure(name);
          });
        }
        isolated = require("../../modules/framework").frameworkOf;
      });
      return isolated;
    }
    const notInstalled = (name: string) =>
      Object.assign(new Error(`Cannot find module '${name}' from 'modules/framework.ts'`), { code: "MODULE_NOT_FOUND" });
    const root = () => new Construct(undefined as any, "");
    // The mocks outlive the isolated registry: later requires of these names get the real packages again.
    afterEach(() => ["cdktf", "cdktn"].forEach((name) => jest.dontMock(name)));

    it("names both frameworks when neither is installed", () => {
      expect(() => frameworkOfWhere(notInstalled)(root(), "Test")).toThrow(new Error("Test needs cdktf " +
        "(with @cdktf/provider-aws) or CDK Terrain's cdktn (with @cdktn/provider-aws), and neither is installed"));
    });

    it("passes on a failure to load an installed framework, rather than taking it for not installed", () => {
      expect(() => frameworkOfWhere((name) => new SyntaxError(`Unexpected token in ${name}`))(root(), "Test"))
        .toThrow(new SyntaxError("Unexpected token in cdktf"));
    });
  });
}
