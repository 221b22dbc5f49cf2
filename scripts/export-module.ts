/**
 * `npm run export-module`: writes the construct as a plain Terraform module to
 * terraform-module/ (or `--out DIR`), formatted by `terraform fmt`, and says
 * what it wrote. The folder is committed, for users without Node; a test
 * fails when it differs from what this script writes.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { breakLongLines } from "../app/hcl";
import { MODULE_DIR, moduleFiles } from "../app/module-files";
import { terraformEnv } from "../tooling/terraform-cli-config";

const projectDir = path.resolve(__dirname, "..");

function fmt(dir: string): void {
  const run = spawnSync("terraform", ["fmt", "-recursive", "-list=false", dir],
    { env: terraformEnv(projectDir), encoding: "utf8" });
  if (run.error || run.status !== 0) {
    throw new Error(`terraform fmt failed (Terraform must be on PATH): ${run.error?.message ?? run.stderr}`);
  }
}

const isTerraform = (file: string) => file.endsWith(".tf") || file.endsWith(".tftest.hcl");

/** Writes the module to `outDir` (emptied first) and returns the files written, relative to it. */
export function exportModule(outDir: string): string[] {
  const files = moduleFiles();
  fs.rmSync(outDir, { recursive: true, force: true });
  for (const [file, text] of files) {
    fs.mkdirSync(path.dirname(path.join(outDir, file)), { recursive: true });
    fs.writeFileSync(path.join(outDir, file), text);
  }
  // fmt first unwraps cdktf's "${...}" strings, so the long expressions inside can be broken into lines.
  fmt(outDir);
  for (const file of [...files.keys()].filter(isTerraform)) {
    const full = path.join(outDir, file);
    fs.writeFileSync(full, breakLongLines(fs.readFileSync(full, "utf8")));
  }
  fmt(outDir);
  return [...files.keys()];
}

if (require.main === module) {
  const at = process.argv.indexOf("--out");
  const outDir = path.resolve(projectDir, at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : MODULE_DIR);
  try {
    const files = exportModule(outDir);
    // Relative to where the command runs when inside it, absolute otherwise.
    const relative = path.relative(process.cwd(), outDir);
    const shown = relative === "" || relative.startsWith("..") ? outDir : relative;
    console.log("Terraform module:");
    files.forEach((file) => console.log(`  ${path.join(shown, file)}`));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
