import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";

/** Names a filesystem mirror of providers (offline machines: `/opt/tf-plugins`). */
export const MIRROR_ENV = "TERRAFORM_PROVIDER_MIRROR";

/** The CLI configuration text: the mirror for hashicorp/aws if one is named, the registry otherwise. */
export function cliConfigText(mirror: string | undefined, pluginCacheDir?: string): string {
  if (!mirror) {
    // One download of each provider for every working directory the scripts and tests make.
    return "# No provider mirror named: providers come from the public registry, through a plugin cache.\n" +
      (pluginCacheDir ? `plugin_cache_dir = ${JSON.stringify(pluginCacheDir)}\n` : "");
  }
  return `# Written by tooling/terraform-cli-config.ts: providers from ${MIRROR_ENV}.
provider_installation {
  filesystem_mirror {
    path    = ${JSON.stringify(path.resolve(mirror))}
    include = ["registry.terraform.io/hashicorp/aws"]
  }
  direct {
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }
}
`;
}

/**
 * Writes the CLI configuration under `projectDir` and returns an environment
 * for terraform and cdktf that uses it. Without this, an inherited
 * TF_CLI_CONFIG_FILE that names a missing file makes every terraform call warn
 * (and `cdktf synth` print the warning as [ERROR]).
 */
export function terraformEnv(projectDir: string, env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const mirror = env[MIRROR_ENV];
  if (mirror && !fs.existsSync(mirror)) {
    throw new Error(`${MIRROR_ENV} "${mirror}" does not exist; point it at a Terraform provider mirror or unset it`);
  }
  // The project's own Terraform CLI configuration (git-ignored).
  const dir = path.join(projectDir, ".terraform-cli");
  // One file per mirror: processes running at once with different mirrors (the tests do) never rewrite each other's.
  const file = path.join(dir, mirror
    ? `mirror-${crypto.createHash("sha256").update(path.resolve(mirror)).digest("hex").slice(0, 16)}.tfrc` : "registry.tfrc");
  const pluginCache = path.join(dir, "plugin-cache");
  fs.mkdirSync(mirror ? dir : pluginCache, { recursive: true });
  const text = cliConfigText(mirror, pluginCache);
  if (!fs.existsSync(file) || fs.readFileSync(file, "utf8") !== text) {
    // Written to a temporary name and renamed, so parallel test workers never read half a file.
    const temporary = `${file}.${process.pid}`;
    fs.writeFileSync(temporary, text);
    fs.renameSync(temporary, file);
  }
  // A mirror folder that is gone (a test's temporary one) takes its file with it: the folder stays small.
  for (const other of fs.readdirSync(dir).filter((name) => /^mirror-\w+\.tfrc$/.test(name))) {
    try {
      const named = /path {4}= ("[^"]*")/.exec(fs.readFileSync(path.join(dir, other), "utf8"))?.[1];
      if (named && !fs.existsSync(JSON.parse(named))) fs.rmSync(path.join(dir, other), { force: true });
    } catch {
      // Removed meanwhile by another process.
    }
  }
  return { ...env, TF_CLI_CONFIG_FILE: file, CHECKPOINT_DISABLE: "1" };
}
