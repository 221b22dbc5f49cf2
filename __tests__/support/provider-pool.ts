/**
 * Started hashicorp/aws provider processes that terraform commands attach to
 * (TF_REATTACH_PROVIDERS) instead of starting the provider anew: each start
 * loads a 700 MB binary and builds its schema, much of a command's CPU time.
 *
 * Terraform reaches them through a proxy (schema-proxy.ts) that lends each
 * of its connections (one per provider instance: each alias, each module's
 * own) a process of its own, so that each instance keeps its own
 * configuration; a process serves one connection at a time, and only
 * commands with the environment it was started with (the provider reads
 * endpoints and credentials from its own environment, not terraform's). The
 * proxy gives terraform the schema of only the types the command may need,
 * and answers from what it kept what a provider answered before; the
 * process id terraform is given (and waits on) is a stand-in's.
 *
 * A process left idle for a few seconds stops; one whose test worker exits
 * stops too (a shell waits on a pipe from the worker, and stops it at EOF).
 * A provider that cannot start in debug mode is reported once, and the
 * commands then start their own, as they would without this pool.
 */
import { spawn, ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { hasKeptSchema, startSchemaProxy } from "./schema-proxy";

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
  /** The TF_REATTACH_PROVIDERS entry the process printed. */
  readonly reattach: { Pid: number; ProtocolVersion: number; Addr: { Network: string; String: string } };
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
export const projectTypes = (type: string): boolean => PROJECT_TYPES.test(type);

const idle = new Map<string, Provider[]>();
/** Binaries that did not start in debug mode: commands start their own provider. */
const unusable = new Set<string>();

const keyOf = (binary: string, env: NodeJS.ProcessEnv) => JSON.stringify([binary, Object.entries(env).sort(([a], [b]) => a.localeCompare(b))]);

/** The process ids of the started providers of `binary` with `env`: the never-configured one, and the idle configured ones (for the pool's own tests). */
export async function startedProviders(binary: string, env: NodeJS.ProcessEnv): Promise<{ unconfigured?: number; idle: number[] }> {
  const unconfigured = await shared.get(keyOf(binary, env))?.catch(() => undefined);
  return {
    unconfigured: unconfigured && !unconfigured.stopped && running(unconfigured.provider) ? unconfigured.provider.reattach.Pid : undefined,
    idle: (idle.get(keyOf(binary, env)) ?? []).filter(running).map((provider) => provider.reattach.Pid),
  };
}

/** A provider of `binary` started with `env`, outside the pool, and how to stop it (for the pool's own tests). */
export async function startProvider(binary: string, env: NodeJS.ProcessEnv): Promise<{ socket: string; stop(): void }> {
  const provider = await start(binary, env);
  return { socket: provider.reattach.Addr.String, stop: () => provider.child.stdin?.end() };
}

/** The hashicorp/aws provider `terraform init` installed in `dir`, if any. */
export function attachableAwsProvider(dir: string): AttachableProvider | undefined {
  const base = path.join(dir, ".terraform", "providers", "registry.terraform.io", "hashicorp", "aws");
  if (!fs.existsSync(base)) return undefined;
  for (const version of fs.readdirSync(base)) {
    for (const platform of fs.readdirSync(path.join(base, version))) {
      const folder = path.join(base, version, platform);
      const binary = fs.readdirSync(folder).find((file) => file.startsWith("terraform-provider-aws"));
      if (!binary) continue;
      const named = namedTypes(dir, true);
      const needs = named ? (type: string) => PROJECT_TYPES.test(type) || named.has(type) : () => true;
      return { binary: fs.realpathSync(path.join(folder, binary)), needs };
    }
  }
  return undefined;
}

/**
 * The resource types the configuration in `dir` (its local modules and,
 * `withTests`, its `terraform test` files included) and its local state name.
 * Undefined when that cannot be told: a module from elsewhere than a local
 * folder, or a JSON file that does not parse; the command then gets every type.
 */
function namedTypes(dir: string, withTests = false, depth = 0): Set<string> | undefined {
  if (depth > 5 || !fs.existsSync(dir)) return undefined;
  const tests = path.join(dir, "tests");
  const testFiles = withTests && fs.existsSync(tests) ? fs.readdirSync(tests).map((file) => path.join("tests", file)) : [];
  const types = new Set<string>(stateTypes(dir));
  const sources: unknown[] = [];
  for (const file of [...fs.readdirSync(dir), ...testFiles]) {
    if (!/\.(tf\.json|tf|tftest\.hcl)$/.test(file)) continue;
    const text = fs.readFileSync(path.join(dir, file), "utf8");
    if (file.endsWith(".tf.json")) {
      let json;
      try {
        json = JSON.parse(text);
      } catch {
        return undefined; // terraform itself reports the broken file
      }
      for (const kind of ["resource", "data", "ephemeral"]) Object.keys(json[kind] ?? {}).forEach((type) => types.add(type));
      sources.push(...Object.values<{ source?: unknown }>(json.module ?? {}).flat().map((call) => call.source));
    } else {
      for (const [, type] of text.matchAll(/^\s*(?:resource|data|ephemeral|mock_resource|mock_data)\s+"([\w-]+)"/gm)) types.add(type);
      for (const [, body] of text.matchAll(/^\s*module\s+"[^"]*"\s*\{([^}]*)\}/gm)) sources.push(/\bsource\s*=\s*"([^"]*)"/.exec(body)?.[1]);
    }
  }
  for (const source of sources) {
    const inner = typeof source === "string" && /^\.\.?\//.test(source) ? namedTypes(path.resolve(dir, source), false, depth + 1) : undefined;
    if (inner === undefined) return undefined;
    inner.forEach((type) => types.add(type));
  }
  return types;
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
 * Runs `command` with TF_REATTACH_PROVIDERS for started providers of
 * `binary`, started with `env`; they go back to the pool afterwards.
 */
export async function withProvider<T>(
  { binary, needs }: AttachableProvider, env: NodeJS.ProcessEnv, command: (reattach?: string) => Promise<T>,
): Promise<T> {
  const key = keyOf(binary, env);
  // Until a provider of this binary has answered in this run, one is started now: the protocol it speaks is known then.
  let unconfigured = unusable.has(binary) || hasKeptSchema(binary) ? undefined : unconfiguredProvider(key, binary, env);
  if (unconfigured) {
    await unconfigured.catch((error: Error) => {
      unusable.add(binary);
      process.stderr.write(`provider-pool: ${error.message.split("\n")[0]}; terraform commands start their own provider\n`);
    });
  }
  if (unusable.has(binary)) return command(undefined);
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), "aws-proxy-"));
  const socket = path.join(folder, "socket");
  let proxy: { close(): void } | undefined;
  try {
    proxy = await startSchemaProxy({
      binary, socket, keep: needs,
      unconfigured: async () => (await (unconfigured ??= unconfiguredProvider(key, binary, env))).provider.reattach.Addr.String,
      borrow: async () => {
        // A process that has ended (crashed, killed) is dropped, never given out.
        idle.set(key, (idle.get(key) ?? []).filter(running));
        const provider = idle.get(key)?.pop() ?? await start(binary, env);
        clearTimeout(provider.idleTimer);
        return { socket: provider.reattach.Addr.String, release: () => giveBack(key, provider) };
      },
    });
    // Terraform waits on the process it is given, and kills it if it cannot reach the socket: a stand-in of our own.
    const reattach = { Protocol: "grpc", ProtocolVersion: 5, Pid: standIn(), Test: true, Addr: { Network: "unix", String: socket } };
    return await command(JSON.stringify({ "registry.terraform.io/hashicorp/aws": reattach }));
  } finally {
    proxy?.close();
    fs.rmSync(folder, { recursive: true, force: true });
    const used = await unconfigured?.catch(() => undefined);
    if (used && --used.users === 0) {
      // Stopped when still unused; the next command then starts another.
      used.provider.idleTimer = stopWhenIdle(used.provider, () => {
        if (used.users > 0) return false;
        used.stopped = true;
        return true;
      });
    }
  }
}

let standInProcess: ChildProcess | undefined;

/** The process id terraform is given for the started providers: a shell that ends with this test worker (EOF on its input). */
function standIn(): number {
  if (!standInProcess || standInProcess.exitCode !== null || standInProcess.signalCode !== null) {
    standInProcess = spawn("sh", ["-c", "read -r _"], { stdio: ["pipe", "ignore", "ignore"] });
    standInProcess.unref();
    (standInProcess.stdin as unknown as { unref(): void }).unref();
  }
  return standInProcess.pid as number;
}

/** A started provider that is never configured, shared by the commands of one environment. */
interface Unconfigured {
  provider: Provider;
  /** How many commands use it now: it stops only when idle with none. */
  users: number;
  stopped?: boolean;
}

const shared = new Map<string, Promise<Unconfigured>>();

async function unconfiguredProvider(key: string, binary: string, env: NodeJS.ProcessEnv): Promise<Unconfigured> {
  const pending = shared.get(key); // looked up before any await, so that two commands never both start one
  const current = pending && await pending.catch(() => undefined);
  if (current && !current.stopped && running(current.provider)) {
    clearTimeout(current.provider.idleTimer);
    current.users += 1;
    return current;
  }
  const starting = start(binary, env).then((provider) => ({ provider, users: 1 }));
  shared.set(key, starting);
  starting.catch(() => shared.get(key) === starting && shared.delete(key));
  return starting;
}

function giveBack(key: string, provider: Provider): void {
  if (!running(provider)) return;
  idle.set(key, [...(idle.get(key) ?? []), provider]);
  provider.idleTimer = stopWhenIdle(provider, () => idle.set(key, (idle.get(key) ?? []).filter((other) => other !== provider)));
}

/** Stops `provider` after a while unless its timer is cleared first; `forget` says whether to. */
function stopWhenIdle(provider: Provider, forget: () => unknown): NodeJS.Timeout {
  return setTimeout(() => {
    if (forget() !== false) provider.child.stdin?.end();
  }, IDLE_MS).unref();
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
  const reattach = Object.values<Provider["reattach"]>(JSON.parse(await reattachConfig(child, log)))[0];
  // The proxy knows protocol 5's calls (which one configures the provider, which one asks for the schema).
  const problem = reattach.ProtocolVersion !== 5 ? `speaks plugin protocol ${reattach.ProtocolVersion}, not 5`
    : reattach.Addr.Network !== "unix" ? `listens on ${reattach.Addr.Network}, not a Unix socket` : undefined;
  if (problem) {
    child.stdin?.end();
    throw new Error(`the hashicorp/aws provider ${problem}`);
  }
  return { child, reattach };
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
