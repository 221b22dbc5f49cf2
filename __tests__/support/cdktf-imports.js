/**
 * Which test files load cdktf (or the AWS provider bindings, built on it),
 * through their own imports or those of the project's files they import:
 * jest.config.js's cdktn project runs those again on CDK Terrain. A file that never
 * loads cdktf runs the same code on either, so running it twice proves nothing.
 * Plain JavaScript: jest reads its configuration before any transform.
 */
const fs = require("fs");
const path = require("path");

const CDKTF = /^(cdktf|cdktf\/.*|@cdktf\/provider-aws(\/.*)?)$/;
const IMPORT = /(?:\bfrom\s+|\brequire\(\s*|\bimport\(\s*)["']([^"']+)["']/g;

/** Whether `file` imports cdktf, directly or through a relative import (any depth). */
function loadsCdktf(file, seen = new Set()) {
  if (seen.has(file)) return false;
  seen.add(file);
  for (const [, specifier] of fs.readFileSync(file, "utf8").matchAll(IMPORT)) {
    if (CDKTF.test(specifier)) return true;
    if (!specifier.startsWith(".")) continue;
    const base = path.resolve(path.dirname(file), specifier);
    const target = [`${base}.ts`, `${base}.js`, path.join(base, "index.ts"), base].find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
    if (target && loadsCdktf(target, seen)) return true;
  }
  return false;
}

/** The `*.test.ts` files under `dir` that load cdktf. */
function testFilesLoadingCdktf(dir) {
  return fs.readdirSync(dir, { recursive: true }).map((file) => path.join(dir, String(file)))
    .filter((file) => file.endsWith(".test.ts") && loadsCdktf(file)).sort();
}

module.exports = { loadsCdktf, testFilesLoadingCdktf };
