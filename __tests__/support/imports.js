/**
 * What files import, read from their text (plain JavaScript: jest reads its
 * configuration before any transform):
 * - which test files load cdktf (or the AWS provider bindings, built on it),
 *   through their own imports or those of the project's files they import:
 *   jest.config.js's cdktn project runs those again on CDK Terrain. A file that
 *   never loads cdktf runs the same code on either, so running it twice proves nothing;
 * - whether the project's files import each other in a cycle at run time.
 */
const fs = require("fs");
const path = require("path");

const CDKTF = /^(cdktf|cdktf\/.*|@cdktf\/provider-aws(\/.*)?)$/;
const IMPORT = /(?:\bfrom\s+|\brequire\(\s*|\bimport\(\s*)["']([^"']+)["']/g;

/** Type-only imports and exports: the compiler erases them, so they load nothing. */
const TYPE_ONLY = /\b(?:import|export)\s+type\s[^;]*?\bfrom\s+["'][^"']+["']/g;

/** The file a relative `specifier` in `file` names, if it exists. */
function resolveRelative(file, specifier) {
  const base = path.resolve(path.dirname(file), specifier);
  return [`${base}.ts`, `${base}.js`, path.join(base, "index.ts"), base].find((candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile());
}

/** Whether `file` imports cdktf, directly or through a relative import (any depth). */
function loadsCdktf(file, seen = new Set()) {
  if (seen.has(file)) return false;
  seen.add(file);
  for (const [, specifier] of fs.readFileSync(file, "utf8").matchAll(IMPORT)) {
    if (CDKTF.test(specifier)) return true;
    const target = specifier.startsWith(".") && resolveRelative(file, specifier);
    if (target && loadsCdktf(target, seen)) return true;
  }
  return false;
}

/** The cycles of run-time relative imports among `files` (absolute paths), each as the files around it. */
function importCycles(files) {
  const imports = (file) => [...fs.readFileSync(file, "utf8").replace(TYPE_ONLY, "").matchAll(IMPORT)]
    .map(([, specifier]) => specifier.startsWith(".") && resolveRelative(file, specifier))
    .filter((target) => target && /\.[jt]s$/.test(target));
  const state = new Map(); // file -> "open" while on the path, "done" after
  const cycles = [];
  // `trail`: the files from the one visited first to this one, each importing the next.
  const visit = (trail) => {
    const file = trail[trail.length - 1];
    state.set(file, "open");
    for (const target of imports(file)) {
      if (state.get(target) === "open") cycles.push(trail.slice(trail.indexOf(target)));
      else if (!state.has(target)) visit([...trail, target]);
    }
    state.set(file, "done");
  };
  for (const file of files) if (!state.has(file)) visit([file]);
  return cycles;
}

/** The `*.test.ts` files under `dir` that load cdktf. */
function testFilesLoadingCdktf(dir) {
  return fs.readdirSync(dir, { recursive: true }).map((file) => path.join(dir, String(file)))
    .filter((file) => file.endsWith(".test.ts") && loadsCdktf(file)).sort();
}

module.exports = { importCycles, loadsCdktf, testFilesLoadingCdktf };
