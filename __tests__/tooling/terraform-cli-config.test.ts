import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { cliConfigText, terraformEnv } from "../../tooling/terraform-cli-config";

describe("the project's Terraform CLI configuration", () => {
  it("installs hashicorp/aws from a named mirror and every other provider directly", () => {
    const text = cliConfigText("/opt/mirror");
    expect(text).toContain('path    = "/opt/mirror"');
    expect(text).toContain('include = ["registry.terraform.io/hashicorp/aws"]');
    expect(text).toContain('exclude = ["registry.terraform.io/hashicorp/aws"]');
    expect(text).not.toContain("plugin_cache_dir");
  });

  it("downloads from the registry once, into a plugin cache, when no mirror is named", () => {
    expect(cliConfigText(undefined, "/p/.terraform-cli/plugin-cache"))
      .toContain('plugin_cache_dir = "/p/.terraform-cli/plugin-cache"');
  });

  it("points terraform at the written file, with the checkpoint call off", () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "pinpoint-ses-cli-config-"));
    try {
      const env = terraformEnv(project, {});
      expect(env.CHECKPOINT_DISABLE).toBe("1");
      expect(fs.readFileSync(env.TF_CLI_CONFIG_FILE as string, "utf8")).toContain("plugin_cache_dir");
      expect(fs.existsSync(path.join(project, ".terraform-cli", "plugin-cache"))).toBe(true);
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });

  it("keeps each mirror's configuration in a file of its own, so commands run at once with different mirrors never share one", () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "pinpoint-ses-cli-config-"));
    const [first, second] = ["a", "b"].map((name) => fs.mkdtempSync(path.join(project, `mirror-${name}-`)));
    try {
      const firstEnv = terraformEnv(project, { TERRAFORM_PROVIDER_MIRROR: first });
      const secondEnv = terraformEnv(project, { TERRAFORM_PROVIDER_MIRROR: second });
      expect(secondEnv.TF_CLI_CONFIG_FILE).not.toBe(firstEnv.TF_CLI_CONFIG_FILE);
      expect(fs.readFileSync(firstEnv.TF_CLI_CONFIG_FILE as string, "utf8")).toContain(`path    = ${JSON.stringify(first)}`);
      expect(fs.readFileSync(secondEnv.TF_CLI_CONFIG_FILE as string, "utf8")).toContain(`path    = ${JSON.stringify(second)}`);
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });

  it("removes the file of a mirror whose folder is gone, and keeps the others'", () => {
    const project = fs.mkdtempSync(path.join(os.tmpdir(), "pinpoint-ses-cli-config-"));
    const [gone, kept, current] = ["gone", "kept", "current"].map((name) => fs.mkdtempSync(path.join(project, `mirror-${name}-`)));
    try {
      const [goneFile, keptFile] = [gone, kept].map((mirror) => terraformEnv(project, { TERRAFORM_PROVIDER_MIRROR: mirror }).TF_CLI_CONFIG_FILE as string);
      fs.rmSync(gone, { recursive: true });
      const currentFile = terraformEnv(project, { TERRAFORM_PROVIDER_MIRROR: current }).TF_CLI_CONFIG_FILE as string;
      expect([goneFile, keptFile, currentFile].map((file) => fs.existsSync(file))).toEqual([false, true, true]);
    } finally {
      fs.rmSync(project, { recursive: true, force: true });
    }
  });

  it("names the variable when the mirror it names does not exist", () => {
    expect(() => terraformEnv("/nonexistent-project", { TERRAFORM_PROVIDER_MIRROR: "/no/such/mirror" }))
      .toThrow('TERRAFORM_PROVIDER_MIRROR "/no/such/mirror" does not exist; point it at a Terraform provider mirror or unset it');
  });
});
