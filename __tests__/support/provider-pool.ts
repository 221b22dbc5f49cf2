/**
 * Started hashicorp/aws provider processes that terraform commands attach to
 * (TF_REATTACH_PROVIDERS) instead of starting the provider anew: each start
 * loads a 700 MB binary and builds its schema, much of a command's CPU time.
 * The provider's own debug mode (`-debug`) serves any number of commands;
 * each process serves one command at a time, because it holds the
 * configuration of the command it is serving, and only commands with the
 * environment it was started with (the provider reads endpoints and
 * credentials from its own environment, not terraform's). For the same
 * reason a configuration with several aws provider configurations (aliases,
 * or a module's own) never attaches: all its provider instances would share
 * one process, and the last configuration would answer for all.
 *
 * A process left idle for a few seconds stops; one whose test worker exits
 * stops too (a shell waits on a pipe from the worker, and stops it at EOF).
 * A provider that cannot start in debug mode is reported once, and the
 * commands then start their own, as they would without this pool.
 *
 * Terraform reaches each process through a schema proxy (schema-proxy.ts):
 * it sees only the resource types its command may need, which spares it
 * decoding the provider's whole schema each time.
 */
import { spawn, ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { SchemaProxy, startSchemaProxy } from "./schema-proxy";

const IDLE_MS = 10_000;
const START_TIMEOUT_MS = 60_000;
/**
 * Starts the provider and lives as long as it does; a reader stops it at end
 * of input (a stop, or the worker's exit). An asynchronous list's input is
 * /dev/null, hence the pipe passed on as descriptor 3.
 */
const WATCHDOG = 'exec 3<&0; "$0" -debug > "$1" 2>&1 & provider=$!; { read -r _ <&3; kill $provider; } & wait $provider';

interface Provider {
  readonly child: ChildProcess;
  /** The value of TF_REATTACH_PROVIDERS for this process. */
  readonly reattach: string;
  readonly proxy?: SchemaProxy;
  idleTimer?: NodeJS.Timeout;
}

/** A started provider's binary, and the resource types a command in the configuration may need. */
export interface AttachableProvider {
  readonly binary: string;
  readonly needs: (type: string) => boolean;
}

/**
 * The families of resource types the project's configurations use: a
 * command is given their schemas, and those of any other type its
 * configuration or local state names.
 */
const PROJECT_TYPES = /^aws_(iam_|pinpoint_|ses|partition$|caller_identity$|region$)/;

const idle = new Map<string, Provider[]>();
/** Binaries that did not start in debug mode: commands start their own provider. */
const unusable = new Set<string>();

/**
 * The hashicorp/aws provider `terraform init` installed in `dir`, if the
 * configuration there can attach to a started one: at most one aws provider
 * configuration in all (`terraform test` files and local modules included).
 */
export function attachableAwsProvider(dir: string): AttachableProvider | undefined {
  const named = new Set(stateTypes(dir));
  const providers = awsProviderConfigurations(dir, named, true);
  if (providers === undefined || providers > 1) return undefined;
  const base = path.join(dir, ".terraform", "providers", "registry.terraform.io", "hashicorp", "aws");
  if (!fs.existsSync(base)) return undefined;
  for (const version of fs.readdirSync(base)) {
    for (const platform of fs.readdirSync(path.join(base, version))) {
      const folder = path.join(base, version, platform);
      const binary = fs.readdirSync(folder).find((file) => file.startsWith("terraform-provider-aws"));
      if (binary) return { binary: fs.realpathSync(path.join(folder, binary)), needs: (type) => PROJECT_TYPES.test(type) || named.has(type) };
    }
  }
  return undefined;
}

/**
 * How many aws provider configurations the configuration in `dir` declares, a
 * mock_provider not counted (it asks the provider only for its schema); the
 * resource types it declares are added to `types`. Undefined when that cannot
 * be told: a module from elsewhere than a local folder, or called from HCL
 * (only the JSON the tests write is followed), or a JSON file that does not parse.
 */
function awsProviderConfigurations(dir: string, types: Set<string>, withTests = false, depth = 0): number | undefined {
  if (depth > 5 || !fs.existsSync(dir)) return undefined;
  const tests = path.join(dir, "tests");
  const testFiles = withTests && fs.existsSync(tests) ? fs.readdirSync(tests).map((file) => path.join("tests", file)) : [];
  let count = 0;
  for (const file of [...fs.readdirSync(dir), ...testFiles]) {
    const text = () => fs.readFileSync(path.join(dir, file), "utf8");
    if (file.endsWith(".tf.json")) {
      let json;
      try {
        json = JSON.parse(text());
      } catch {
        return undefined; // not attached: terraform itself reports the broken file
      }
      count += json.provider?.aws === undefined ? 0 : [json.provider.aws].flat().length;
      for (const kind of ["resource", "data", "ephemeral"]) Object.keys(json[kind] ?? {}).forEach((type) => types.add(type));
      for (const call of Object.values<{ source?: unknown }>(json.module ?? {}).flat()) {
        const inner = typeof call.source === "string" && /^\.\.?\//.test(call.source)
          ? awsProviderConfigurations(path.resolve(dir, call.source), types, false, depth + 1) : undefined;
        if (inner === undefined) return undefined;
        count += inner;
      }
    } else if (file.endsWith(".tf") || file.endsWith(".tftest.hcl")) {
      if (/^\s*module\s+"/m.test(text())) return undefined;
      count += (text().match(/^\s*provider\s+"aws"/gm) ?? []).length;
      for (const [, type] of text().matchAll(/^\s*(?:resource|data|ephemeral|mock_resource|mock_data)\s+"([\w-]+)"/gm)) types.add(type);
    }
  }
  return count;
}

/** The resource types in the local state file the tests keep in `dir` (terraform.ts), if any. */
function stateTypes(dir: string): string[] {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, "terraform.tfstate"), "utf8")).resources.map((r: { type: string }) => r.type);
  } catch {
    return [];
  }
}

/**
 * Runs `command` with a started provider of `binary` to itself, one started
 * with `env`; the provider goes back to the pool afterwards.
 */
export async function withProvider<T>(
  { binary, needs }: AttachableProvider, env: NodeJS.ProcessEnv, command: (reattach?: string) => Promise<T>,
): Promise<T> {
  const key = JSON.stringify([binary, Object.entries(env).sort(([a], [b]) => a.localeCompare(b))]);
  // A process that has ended (crashed, killed) is dropped, never given out.
  idle.set(key, (idle.get(key) ?? []).filter((pooled) => running(pooled)));
  const provider = unusable.has(binary) ? undefined : idle.get(key)?.pop() ?? (await start(binary, env).catch((error: Error) => {
    unusable.add(binary);
    process.stderr.write(`provider-pool: ${error.message.split("\n")[0]}; terraform commands start their own provider\n`);
    return undefined;
  }));
  if (!provider) return command(undefined);
  clearTimeout(provider.idleTimer);
  if (provider.proxy) provider.proxy.keep = needs;
  try {
    return await command(provider.reattach);
  } finally {
    if (running(provider)) {
      idle.set(key, [...(idle.get(key) ?? []), provider]);
      provider.idleTimer = setTimeout(() => {
        idle.set(key, (idle.get(key) ?? []).filter((other) => other !== provider));
        provider.child.stdin?.end();
      }, IDLE_MS).unref();
    }
  }
}

const running = (provider: Provider): boolean => provider.child.exitCode === null && provider.child.signalCode === null;

async function start(binary: string, env: NodeJS.ProcessEnv): Promise<Provider> {
  // Its output goes to a file: a pipe nobody reads would block it.
  const log = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "aws-provider-")), "output");
  // A CA bundle (some machines set AWS_CA_BUNDLE) is added to the provider's HTTP client when it is
  // configured, and a second configuration of the same process fails on it; the local endpoint is plain HTTP.
  const { AWS_CA_BUNDLE, ...providerEnv } = env;
  const child = spawn("sh", ["-c", WATCHDOG, binary, log], { env: providerEnv, stdio: ["pipe", "ignore", "ignore"] });
  child.unref();
  (child.stdin as unknown as { unref(): void }).unref();
  const reattach = JSON.parse(await reattachConfig(child, log));
  const address = (Object.values(reattach)[0] as { Addr: { Network: string; String: string } }).Addr;
  if (address.Network !== "unix") return { child, reattach: JSON.stringify(reattach) };
  const proxy = await startSchemaProxy(binary, address.String, path.join(path.dirname(log), "schema.sock"));
  child.once("exit", () => proxy.close());
  address.String = path.join(path.dirname(log), "schema.sock");
  return { child, proxy, reattach: JSON.stringify(reattach) };
}

/** Waits (bounded) for the line in which the provider prints its TF_REATTACH_PROVIDERS value. */
async function reattachConfig(child: ChildProcess, log: string): Promise<string> {
  for (let waited = 0; waited < START_TIMEOUT_MS; waited += 50) {
    const text = fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "";
    const match = /TF_REATTACH_PROVIDERS='([^']+)'/.exec(text);
    if (match) return match[1];
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.stdin?.end();
  throw new Error(`the hashicorp/aws provider did not start in debug mode:\n${fs.existsSync(log) ? fs.readFileSync(log, "utf8") : ""}`);
}
