/**
 * `npm run -s deployments-schema > deployments.schema.json`: the JSON Schema of the deployments file, from the app's
 * valibot schema. Committed so that editors check a deployments file through its `$schema`; a test keeps it current.
 */
import { toJsonSchema } from "@valibot/to-json-schema";
import { DEPLOYMENTS_FILE } from "../app/schema";
import { command, parseArguments, runFromCommandLine } from "../tooling/command-line";

export function deploymentsJsonSchema(): string {
  // The only check is "an object, not an array", which JSON Schema's type "object" already says.
  return `${JSON.stringify(toJsonSchema(DEPLOYMENTS_FILE, { ignoreActions: ["check"], typeMode: "output" }), null, 2)}\n`;
}

if (require.main === module) {
  runFromCommandLine(command("deployments-schema", async (argv, write) => {
    parseArguments(argv, { withValue: [], positionals: false }, "usage: deployments-schema  (prints the JSON Schema of a deployments file)");
    write(deploymentsJsonSchema());
    return 0;
  }));
}
