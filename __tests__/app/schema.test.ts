import * as fs from "fs";
import * as path from "path";
import { RoleOptions } from "../../app/deployments";
import { deploymentsJsonSchema } from "../../scripts/deployments-schema";
import { PROJECT_DIR } from "../support/terraform";

describe("the app's schema", () => {
  it("is what deployments.schema.json holds, so editors check deployments files against the app's own rules", () => {
    const committed = fs.readFileSync(path.join(PROJECT_DIR, "deployments.schema.json"), "utf8");
    // If this fails: npm run -s deployments-schema > deployments.schema.json
    expect(committed).toBe(deploymentsJsonSchema());
  });

  it("names in the JSON Schema every option a deployment may give, with its type", () => {
    const schema = JSON.parse(deploymentsJsonSchema());
    const options = schema.properties.deployments.items.properties.options;
    expect(options.additionalProperties).toBe(false);
    expect(options.properties.sesIdentities).toEqual({ type: "array", items: { type: "string" } });
    expect(options.properties.maxSessionDuration).toEqual({ type: "number" });
    expect(options.properties.emailChannel.required).toEqual(["applicationId", "identity", "fromAddress"]);
  });

  it("has exactly the role options of the app's RoleOptions type", () => {
    // The type list is written out: a new construct option must be added to both.
    const expected: ReadonlyArray<keyof RoleOptions> = ["roleName", "roleNamePrefix", "path", "description",
      "permissionsBoundaryArn", "maxSessionDuration", "policyName", "sesIdentities", "configurationSets",
      "pinpointApplicationIds", "tags", "emailChannel"];
    const options = JSON.parse(deploymentsJsonSchema()).properties.deployments.items.properties.options;
    expect(Object.keys(options.properties).sort()).toEqual([...expected].sort());
  });
});
