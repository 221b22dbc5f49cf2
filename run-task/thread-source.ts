/**
 * The code a worker thread of the server starts with: the thread's module and, where the server runs as TypeScript,
 * the project's loader (tooling/register-ts.js) before it. `npm run run-task` preloads that loader, which a thread
 * inherits, but jest transforms TypeScript its own way, which a thread does not: the thread loads it itself either way.
 */
import * as path from "path";

/** Source for `new Worker(…, { eval: true })` that loads run-task/`name` (`review-thread`, `http-thread`). */
export function threadSource(name: string): string {
  const extension = path.extname(__filename);
  const thread = JSON.stringify(path.join(__dirname, `${name}${extension}`));
  const loader = JSON.stringify(path.join(__dirname, "..", "tooling", "register-ts.js"));
  return `${extension === ".ts" ? `require(${loader});\n` : ""}require(${thread});\n`;
}
