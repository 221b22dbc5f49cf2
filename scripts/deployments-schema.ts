/**
 * `npm run -s deployments-schema > deployments.schema.json`: prints the JSON
 * Schema of the deployments file, made from the app's zod schema. The file is
 * committed so that editors check a deployments file through its `$schema`;
 * a test fails when it differs from what this prints.
 */
import { z } from "zod";
import { DEPLOYMENTS_FILE } from "../app/schema";

export function deploymentsJsonSchema(): string {
  return `${JSON.stringify(z.toJSONSchema(DEPLOYMENTS_FILE), null, 2)}\n`;
}

if (require.main === module) process.stdout.write(deploymentsJsonSchema());
