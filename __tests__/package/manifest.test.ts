/**
 * package.json as the toolchain wants it: exact versions, and every dependency
 * that has install scripts reviewed in `allowScripts` (npm 11 warns about the
 * others; npm 12 skips them). @cdktf/node-pty-prebuilt-multiarch (the cdktf
 * CLI's terminal) is approved: its script checks that the prebuilt binary loads,
 * or fetches or builds one where none is shipped. @parcel/watcher (jest's watch
 * mode) is denied: its script builds from source only when asked to.
 */
import * as fs from "fs";
import * as path from "path";
import { PROJECT_DIR } from "../support/terraform";

const read = (file: string) => JSON.parse(fs.readFileSync(path.join(PROJECT_DIR, file), "utf8"));
const manifest = read("package.json");
const lockedPackages: { [location: string]: { version: string; hasInstallScript?: boolean } } = read("package-lock.json").packages;

it("pins every devDependency to an exact version", () => {
  const ranges = Object.entries(manifest.devDependencies as { [name: string]: string })
    .filter(([, version]) => !/^\d+\.\d+\.\d+$/.test(version));
  expect(ranges).toEqual([]);
});

it("reviews in allowScripts exactly the locked packages that have install scripts", () => {
  const withScripts = Object.entries(lockedPackages)
    .filter(([location, entry]) => location !== "" && entry.hasInstallScript)
    .map(([location]) => location.replace(/^.*node_modules\//, ""));
  expect(withScripts.length).toBeGreaterThan(0);
  expect(Object.keys(manifest.allowScripts ?? {}).sort()).toEqual([...new Set(withScripts)].sort());
  expect(manifest.allowScripts).toEqual({ "@cdktf/node-pty-prebuilt-multiarch": true, "@parcel/watcher": false });
});
