/**
 * The README shows command output (the review of the default stack, the
 * deployer policy). Tests compare those blocks with what the commands print
 * now, so the README never shows output typed or kept by hand.
 */
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "./terraform";

/** The text between `<!-- example:NAME -->` and `<!-- /example:NAME -->`, without the code fence. */
export function readmeExample(name: string): string {
  const readme = fs.readFileSync(path.join(PROJECT_DIR, "README.md"), "utf8");
  // A fence of three or more backticks, so an example can hold fenced blocks of its own.
  const match = new RegExp(`<!-- example:${name} -->\\n(\`{3,})\\w*\\n([\\s\\S]*?)\\1\\n<!-- /example:${name} -->`).exec(readme);
  if (!match) throw new Error(`README.md has no example block "${name}"`);
  return match[2];
}
