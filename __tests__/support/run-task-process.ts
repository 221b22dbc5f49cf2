/**
 * The run task server as a service runs it: a node process started with the command docs/run-task.md gives for
 * running it unattended, read through its log (one JSON object per line on standard error).
 */
import { ChildProcess, spawn } from "child_process";
import { docExample } from "./doc-examples";
import { PROJECT_DIR } from "./terraform";

/** A logged event: `{"time", "event", …}`. */
export type LogEvent = { readonly event: string; readonly [field: string]: any };

/**
 * The unattended command of docs/run-task.md (its `run-unattended` example), as argument words, with `--port 8080`
 * replaced by `--port 0`. The first word is `node`.
 */
export function unattendedCommand(): string[] {
  const words = docExample("docs/run-task.md", "run-unattended").trim().split(/\s+/);
  const port = words.indexOf("--port");
  if (words[0] !== "node" || port < 0) throw new Error(`docs/run-task.md's run-unattended command is not "node … --port N": ${words.join(" ")}`);
  words[port + 1] = "0";
  return words;
}

export class RunTaskProcess {
  /**
   * Starts docs/run-task.md's unattended command with `args` added, `nodeOptions` before its own (preloads, flags)
   * and `env` added; resolves once it logs `server.started`. Killed after `lifetimeMs` whatever happens.
   */
  static async start(args: readonly string[], options: { env?: NodeJS.ProcessEnv; nodeOptions?: readonly string[]; lifetimeMs?: number } = {}) {
    const [, ...words] = unattendedCommand();
    const child = spawn(process.execPath, [...(options.nodeOptions ?? []), ...words, ...args],
      { cwd: PROJECT_DIR, env: { ...process.env, ...options.env }, stdio: ["ignore", "pipe", "pipe"] });
    const started = new RunTaskProcess(child, options.lifetimeMs ?? 120_000);
    const event = await started.waitFor((item) => item.event === "server.started", 60_000);
    started.url = event.url;
    return started;
  }

  /** Where the server listens. */
  url = "";
  /** Standard error as it came. */
  stderr = "";
  /** Standard output as it came (the server writes nothing there; node's own traces, such as --trace-gc, do). */
  stdout = "";
  readonly exited: Promise<number | null>;
  private readonly killer: NodeJS.Timeout;
  private readonly listeners = new Set<() => void>();

  private constructor(readonly child: ChildProcess, lifetimeMs: number) {
    this.killer = setTimeout(() => child.kill("SIGKILL"), lifetimeMs);
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (this.stdout += chunk));
    child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
      this.stderr += chunk;
      this.listeners.forEach((listener) => listener());
    });
    this.exited = new Promise((resolve) => child.on("exit", (code) => {
      clearTimeout(this.killer);
      this.listeners.forEach((listener) => listener());
      resolve(code);
    }));
  }

  /** Every event logged so far (each line of standard error parsed as JSON; a line that is not JSON throws). */
  get events(): LogEvent[] {
    return this.stderr.split("\n").filter((line) => line !== "").map((line) => JSON.parse(line));
  }

  /** The first event that `matches`, once logged; rejects after `timeoutMs` or when the process ends without it. */
  waitFor(matches: (event: LogEvent) => boolean, timeoutMs = 30_000): Promise<LogEvent> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.events.find(matches);
        if (found || this.child.exitCode !== null || this.child.signalCode !== null) {
          clearTimeout(timer);
          this.listeners.delete(check);
          if (found) resolve(found);
          else reject(new Error(`the run task server ended without the event awaited:\n${this.stderr}`));
        }
      };
      const timer = setTimeout(() => {
        this.listeners.delete(check);
        reject(new Error(`no such event in ${timeoutMs} ms:\n${this.stderr}`));
      }, timeoutMs);
      this.listeners.add(check);
      check();
    });
  }

  /** Sends SIGTERM and resolves with the exit code. */
  async stop(): Promise<number | null> {
    this.child.kill("SIGTERM");
    return this.exited;
  }

  /** Kills it at once, if still running (for `finally`). */
  kill(): void {
    clearTimeout(this.killer);
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }
}
