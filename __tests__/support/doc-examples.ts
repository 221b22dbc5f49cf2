/**
 * README.md and docs/*.md show command output (the review of the default
 * stack, the deployer policy). Tests compare those blocks with what the
 * commands print now, so no document shows output typed or kept by hand.
 */
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "./terraform";

/**
 * The text between `<!-- example:NAME -->` and `<!-- /example:NAME -->` in
 * `file` (relative to the project, e.g. `docs/reviewing-plans.md`), without
 * the code fence.
 */
export function docExample(file: string, name: string): string {
  const text = fs.readFileSync(path.join(PROJECT_DIR, file), "utf8");
  // A fence of three or more backticks, so an example can hold fenced blocks of its own.
  const match = new RegExp(`<!-- example:${name} -->\\n(\`{3,})\\w*\\n([\\s\\S]*?)\\1\\n<!-- /example:${name} -->`).exec(text);
  if (!match) throw new Error(`${file} has no example block "${name}"`);
  return match[2];
}
