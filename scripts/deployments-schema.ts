/**
 * `npm run -s deployments-schema > deployments.schema.json`: prints the JSON
 * Schema of the deployments file, made from the app's valibot schema. The file is
 * committed so that editors check a deployments file through its `$schema`;
 * a test fails when it differs from what this prints.
 */
import { toJsonSchema } from "@valibot/to-json-schema";
import { DEPLOYMENTS_FILE } from "../app/schema";

export function deploymentsJsonSchema(): string {
  return `${JSON.stringify(toJsonSchema(DEPLOYMENTS_FILE, {
    // The only check is "an object, not an array", which JSON Schema's type "object" already says.
    ignoreActions: ["check"],
    typeMode: "output",
  }), null, 2)}\n`;
}

if (require.main === module) process.stdout.write(deploymentsJsonSchema());
