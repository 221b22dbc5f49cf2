/**
 * `npm run run-task -- --port PORT [options]`: the run task server. Reads
 * the HMAC key from RUN_TASK_HMAC_KEY; logs one JSON object per event on
 * standard error; stops gracefully on SIGTERM or SIGINT.
 *
 * Exit codes: 0 stopped; 1 could not start (port taken, review threads failing); 2 bad usage or settings.
 */
import * as fs from "fs";
import * as os from "os";
import { parseWaivers } from "../review/waivers";
import { command, HelpRequested, InputError, parseArguments, runFromCommandLine } from "../tooling/command-line";
import { jsonLogger } from "./log";
import { RunTaskServer, ServerOptions } from "./server";

const USAGE = "usage: run-task --port PORT [--host ADDRESS] [--tfc-url URL] [--fail-on=warning|error] [--fail-on-new] [--waivers FILE] [--workers N] " +
  "[--queue-memory MB] [--review-timeout SECONDS] [--review-memory MB] [--timeout SECONDS] [--allow-redirect-origin URL ...] " +
  "[--source-url URL] [--no-simulation] [--insecure-no-hmac]";

const HELP = `${USAGE}

Terraform Cloud run task that puts the IAM review on every run (stage post_plan).

  --port PORT                    port to listen on (0: any free port)
  --host ADDRESS                 address to listen on (default 127.0.0.1; put a TLS proxy in front)
  --tfc-url URL                  Terraform Cloud or Enterprise (default https://app.terraform.io);
                                 plan and callback URLs must be on its origin
  --fail-on=warning|error        least severe finding that fails the task (default error)
  --fail-on-new                  count only findings the run's plan brings (new or worsened)
  --waivers FILE                 waivers, as for npm run review (docs/reviewing-plans.md)
  --workers N                    review threads (default: one per core, here ${os.availableParallelism()})
  --queue-memory MB              memory that waiting runs may hold (default 256); past it, requests get 429
  --review-timeout SECONDS       time budget of one review (default 120); a review over it fails its run
  --review-memory MB             memory budget of a review thread (default 1024); a review over it fails its run
  --timeout SECONDS              time limit of each request to Terraform Cloud (default 30)
  --allow-redirect-origin URL    another origin the plan download may redirect to
                                 (default for app.terraform.io: https://archivist.terraform.io)
  --source-url URL               link sent with every result to this server's source code
                                 (how an operator offers it under AGPL-3.0 section 13; docs/run-task.md)
  --no-simulation                rules only: never loads the AGPL-3.0 simulator
  --insecure-no-hmac             run without RUN_TASK_HMAC_KEY (unsigned requests accepted)

Environment: RUN_TASK_HMAC_KEY, the HMAC key entered when registering the task.`;

/** The origin of an https URL (http only on loopback, for tests and local proxies). */
function originSetting(flag: string, value: string): string {
  if (!URL.canParse(value)) throw new InputError(`${flag} ${JSON.stringify(value)} is not a URL`);
  const url = new URL(value);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(url.hostname))) {
    throw new InputError(`${flag} ${value} is not https (http is allowed only on 127.0.0.1 or localhost)`);
  }
  return url.origin;
}

/** The settings from the command line and environment; throws an InputError naming what is wrong. */
export function parseSettings(argv: readonly string[], env: NodeJS.ProcessEnv): Omit<ServerOptions, "log"> & {
  readonly workers: number; readonly queueBytes: number; readonly reviewTimeoutMs: number; readonly reviewMemoryMb: number;
  readonly timeoutMs: number;
} {
  // Help wins over everything else on the line, and shows the options, not only the usage line.
  if (argv.includes("--help") || argv.includes("-h")) throw new HelpRequested(HELP);
  const args = parseArguments(argv, {
    withValue: ["port", "host", "tfc-url", "fail-on", "workers", "queue-memory", "review-timeout", "review-memory", "timeout",
      "allow-redirect-origin", "source-url", "waivers"],
    switches: ["no-simulation", "insecure-no-hmac", "fail-on-new"],
    positionals: false,
  }, USAGE);
  const wholeNumber = (name: string, fallback: number, min: number, max: number): number => {
    const value = args.value(name);
    if (value === undefined) return fallback;
    if (!/^\d+$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InputError(`--${name} is ${JSON.stringify(value)}; expected a whole number from ${min} to ${max}`);
    }
    return Number(value);
  };
  if (args.value("port") === undefined) throw new InputError(`--port is required; ${USAGE}`);
  const failOn = args.value("fail-on") ?? "error";
  if (failOn !== "warning" && failOn !== "error") throw new InputError(`--fail-on is ${JSON.stringify(failOn)}; expected warning or error`);
  const hmacKey = env.RUN_TASK_HMAC_KEY || undefined;
  if (hmacKey === undefined && !args.has("insecure-no-hmac")) {
    throw new InputError("RUN_TASK_HMAC_KEY is not set: set it to the HMAC key of the run task in Terraform Cloud " +
      "(or pass --insecure-no-hmac to accept unsigned requests)");
  }
  const tfcUrl = originSetting("--tfc-url", args.value("tfc-url") ?? "https://app.terraform.io");
  const sourceUrl = args.value("source-url");
  if (sourceUrl !== undefined) originSetting("--source-url", sourceUrl);
  const waiversFile = args.value("waivers");
  let waivers: ReturnType<typeof parseWaivers> = [];
  if (waiversFile !== undefined) {
    let text: string;
    try {
      text = fs.readFileSync(waiversFile, "utf8");
    } catch (error) {
      throw new InputError(`cannot read waivers file ${waiversFile}: ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message}`);
    }
    waivers = parseWaivers(text, waiversFile);
  }
  const failOnNew = args.has("fail-on-new");
  return {
    host: args.value("host") ?? "127.0.0.1",
    port: wholeNumber("port", 0, 0, 65535),
    hmacKey,
    tfcUrl,
    // app.terraform.io redirects plan downloads to its archivist service.
    redirectOrigins: [...(tfcUrl === "https://app.terraform.io" ? ["https://archivist.terraform.io"] : []),
      ...args.values("allow-redirect-origin").map((value) => originSetting("--allow-redirect-origin", value))],
    failOn,
    failOnNew,
    // Passed to the review as they are (plain data, so that a review thread can take them).
    reviewOptions: { waivers, gate: { failOn, newOnly: failOnNew } },
    simulate: !args.has("no-simulation"),
    sourceUrl,
    workers: wholeNumber("workers", os.availableParallelism(), 1, 64),
    queueBytes: wholeNumber("queue-memory", 256, 1, 65_536) * 1024 * 1024,
    reviewTimeoutMs: wholeNumber("review-timeout", 120, 1, 3600) * 1000,
    reviewMemoryMb: wholeNumber("review-memory", 1024, 64, 65_536),
    timeoutMs: wholeNumber("timeout", 30, 1, 600) * 1000,
  };
}

/** Runs the server until SIGTERM or SIGINT (exit 0), or until its HTTP thread fails (exit 1). */
export const main = command("run-task", async (argv, _write, fail) => {
  const settings = parseSettings(argv, process.env);
  const log = jsonLogger();
  // Warnings are log events too, so that standard error stays one JSON object per line.
  if (settings.hmacKey === undefined) log("server.warning", { reason: "--insecure-no-hmac: requests are not authenticated" });
  if (settings.simulate && settings.sourceUrl === undefined) {
    log("server.warning", { reason: "the simulation is AGPL-3.0: see docs/run-task.md (Licence) for --source-url, or run --no-simulation" });
  }
  const server = await RunTaskServer.start({ ...settings, log }).catch((error: Error) => {
    fail(`run-task: cannot start on ${settings.host}:${settings.port}: ${error.message}\n`);
  });
  if (!server) return 1;
  // A signal stops it (exit 0); so does a failed HTTP thread (exit 1, logged as server.failed), for a supervisor to restart.
  const failed = await new Promise<boolean>((resolve) => {
    const stop = () => void server.stop().then(() => resolve(false));
    process.once("SIGTERM", stop);
    process.once("SIGINT", stop);
    void server.failure.then(() => server.stop()).then(() => resolve(true));
  });
  return failed ? 1 : 0;
});

if (require.main === module) runFromCommandLine(main);
