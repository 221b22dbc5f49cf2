/**
 * `node --require ./tooling/register-ts.js main.ts`: runs the app's TypeScript
 * as cdktf.json's app command. Sucrase strips the types (no type-check: `npm
 * test` does that with tsc), and the result is kept in
 * node_modules/.cache/pinpoint-ses-ts/ by file content, so a synth after the
 * first transpiles nothing: the app then starts about as fast as compiled JS.
 * Plain JavaScript, so that it needs no transpiling itself.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const { threadId } = require("worker_threads");

const CACHE_DIR = path.join(__dirname, "..", "node_modules", ".cache", "pinpoint-ses-ts");
const TRANSFORMS = ["typescript", "imports"];
// The cache key also covers sucrase's version and the options, so an upgrade recompiles.
const SALT = `${require("sucrase/package.json").version}:${TRANSFORMS.join(",")}`;

let sucrase;

function compile(source, filename) {
  const key = crypto.createHash("sha256").update(SALT).update("\0").update(filename).update("\0").update(source)
    .digest("hex");
  const cached = path.join(CACHE_DIR, `${key}.js`);
  if (fs.existsSync(cached)) return fs.readFileSync(cached, "utf8");
  sucrase ??= require("sucrase");
  const { code } = sucrase.transform(source, { transforms: TRANSFORMS, filePath: filename });
  try {
    fs.mkdirSync(CACHE_DIR, { recursive: true });
    // Written under a temporary name and renamed, so a parallel run never reads half a file. The name is the
    // thread's own: the run task's threads compile the same files at once, in one process.
    const temporary = `${cached}.${process.pid}.${threadId}`;
    fs.writeFileSync(temporary, code);
    fs.renameSync(temporary, cached);
  } catch (error) {
    // A read-only tree still runs, only without the cache; anything else is a real failure.
    if (!["EACCES", "EPERM", "EROFS"].includes(error.code)) throw error;
  }
  return code;
}

require.extensions[".ts"] = function loadTypeScript(module, filename) {
  module._compile(compile(fs.readFileSync(filename, "utf8"), filename), filename);
};
