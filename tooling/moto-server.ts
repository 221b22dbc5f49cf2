/**
 * moto (a third-party AWS emulator: `moto_server`, from the Python package moto) on a free port of 127.0.0.1, for the
 * Terraform-backed tests and `npm run try-local`. It runs as a user starts it, with moto's own request recorder on, so a
 * run can say which IAM and STS calls it answered. It stops when `stop()` is called, when the process that started it
 * ends (Linux's parent-death signal, so a killed test run leaves no server behind), or after `maxLifetimeMs`.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as net from "net";

/** The moto version the project is tested with (TOOLCHAIN.md): older ones lack multi-account access keys. */
export const MOTO_VERSION = "5.2.1";

export const MOTO_INSTALL_HINT = `pip install 'moto[server]==${MOTO_VERSION}'`;

export interface MotoServer {
  /** `http://127.0.0.1:PORT`. */
  readonly url: string;
  readonly pid: number;
  /** The file moto's recorder appends each request to (one JSON object a line). */
  readonly recording: string;
  /** Ends the server (by its PID); safe to call twice, and from a process `exit` handler. */
  stop(): void;
}

export interface MotoServerOptions {
  /** Where moto records every request it answers. */
  readonly recording: string;
  /** Where moto's own output (one line a request) goes. */
  readonly log: string;
  /** The server ends itself after this long, whatever happens to its parent. @default 2 hours */
  readonly maxLifetimeMs?: number;
}

/** Whether `moto_server` is on PATH. */
export function motoServerOnPath(): boolean {
  return spawnSync("sh", ["-c", "command -v moto_server"], { stdio: "ignore" }).status === 0;
}

/**
 * Sets the parent-death signal, then becomes `timeout LIFETIME moto_server …`: if the starting process dies, timeout
 * gets SIGTERM and passes it on to moto_server, which exits on it.
 */
const LAUNCHER = [
  "import ctypes, os, signal, sys",
  "ctypes.CDLL(None).prctl(1, signal.SIGTERM)", // PR_SET_PDEATHSIG
  "os.getppid() == 1 and sys.exit(1)", // the parent is already gone
  "os.execvp('timeout', ['timeout', *sys.argv[1:]])",
].join("\n");

/** A free TCP port of 127.0.0.1 (free a moment ago: `startMotoServer` tries again if moto loses the race). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(`${url}/moto-api/`, { signal: AbortSignal.timeout(2_000) })).ok;
  } catch {
    return false; // not listening yet
  }
}

/** Starts moto_server and waits (at most 60 s) until it answers. */
export async function startMotoServer(options: MotoServerOptions): Promise<MotoServer> {
  let problem = "";
  for (let attempt = 1; attempt <= 3; attempt++) {
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const log = fs.openSync(options.log, "a");
    const lifetime = `${Math.ceil((options.maxLifetimeMs ?? 2 * 3_600_000) / 1000)}s`;
    const child = spawn("python3", ["-c", LAUNCHER, lifetime, "moto_server", "-H", "127.0.0.1", "-p", String(port)], {
      stdio: ["ignore", log, log],
      env: { ...process.env, MOTO_ENABLE_RECORDING: "true", MOTO_RECORDER_FILEPATH: options.recording },
    });
    fs.closeSync(log);
    let exited = false;
    child.once("exit", () => (exited = true));
    child.once("error", () => (exited = true));
    const stop = () => {
      if (!exited && child.pid !== undefined) {
        try {
          process.kill(child.pid, "SIGTERM");
        } catch {
          // Ended on its own meanwhile.
        }
      }
      exited = true;
    };
    for (let waited = 0; waited < 60_000 && !exited; waited += 200) {
      if (await answers(url)) {
        child.unref();
        return { url, pid: child.pid as number, recording: options.recording, stop };
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    stop();
    const tail = fs.readFileSync(options.log, "utf8").trim().split("\n").slice(-3).join(" / ");
    problem = exited ? `moto_server exited: ${tail || "no output"}` : `moto_server did not answer on ${url} within 60 s`;
  }
  throw new Error(`${problem} (${MOTO_INSTALL_HINT})`);
}

/** One request as moto's recorder writes it. */
interface RecordedRequest {
  readonly headers: { readonly [name: string]: string };
  readonly url: string;
  readonly body: string;
  readonly body_encoded: boolean;
}

/**
 * The AWS actions in a recording, counted: `iam:CreateRole` → 12. The service comes from the request's SigV4
 * credential scope, the action from its Query body; moto's own API (`/moto-api/`) is left out.
 */
export function recordedActions(recording: string): Map<string, number> {
  const counts = new Map<string, number>();
  if (!fs.existsSync(recording)) return counts;
  for (const line of fs.readFileSync(recording, "utf8").split("\n").filter(Boolean)) {
    const request: RecordedRequest = JSON.parse(line);
    if (new URL(request.url).pathname.startsWith("/moto-api/")) continue;
    const authorization = Object.entries(request.headers).find(([name]) => name.toLowerCase() === "authorization")?.[1] ?? "";
    const service = /Credential=[^/]+\/[^/]+\/[^/]+\/([^/]+)\//.exec(authorization)?.[1] ?? "unsigned";
    const body = request.body_encoded ? Buffer.from(request.body, "base64").toString("utf8") : request.body;
    const action = new URLSearchParams(body).get("Action") ?? `${new URL(request.url).pathname}`;
    const key = `${service}:${action}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** One line that says what moto answered: `moto_server answered 812 requests: sts:GetCallerIdentity 301, …`. */
export function describeRecording(recording: string): string {
  const counts = [...recordedActions(recording)].sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
  const total = counts.reduce((sum, [, count]) => sum + count, 0);
  return `moto_server answered ${total} requests: ${counts.map(([action, count]) => `${action} ${count}`).join(", ") || "none"}`;
}
