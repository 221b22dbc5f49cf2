/**
 * Command-line parsing shared by the project's commands, on Node's
 * `util.parseArgs`: `--name=value` or `--name value`, bare switches, and
 * `--help` (`-h`) on every command.
 */
import { parseArgs } from "util";

/** Bad usage or input: the command prints the message alone and exits 2. */
export class InputError extends Error {}

/** `--help` was given: the command prints its usage to standard output and exits 0, doing nothing else. */
export class HelpRequested extends Error {}

/**
 * Parses `argv`. Flags in `withValue` take a value; those in `switches` do
 * not. Anything else starting with `-`, or any positional with `positionals: false`,
 * is an InputError naming it and `usage`; `--help` or `-h` throws HelpRequested before anything else is read.
 */
export function parseArguments(argv: readonly string[],
  spec: { withValue: readonly string[]; switches?: readonly string[]; positionals?: false }, usage: string) {
  const options: { [name: string]: { type: "string" | "boolean"; multiple: true; short?: string } } = {
    help: { type: "boolean", multiple: true, short: "h" },
  };
  for (const name of spec.withValue) options[name] = { type: "string", multiple: true };
  for (const name of spec.switches ?? []) options[name] = { type: "boolean", multiple: true };
  // Help wins over everything else on the line, even a wrong option.
  const end = argv.indexOf("--");
  const flags = end < 0 ? argv : argv.slice(0, end);
  if (flags.some((argument) => argument === "--help" || argument === "-h")) throw new HelpRequested(usage);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (error) {
    // parseArgs's error, in this project's words: what is wrong, then the usage, on one line.
    const { code, message } = error as NodeJS.ErrnoException;
    // The option its message names: `Unknown option '--x'`, `Option '--x <value>' ...`.
    const option = /'(-{1,2}[^' ]+)/.exec(message)?.[1] ?? message;
    if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") throw new InputError(`unknown option ${option}; ${usage}`);
    if (code !== "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") throw new InputError(`${message}; ${usage}`);
    throw new InputError(`${option} ${/does not take an argument/.test(message) ? "takes no value" : "needs a value"}; ${usage}`);
  }
  if (spec.positionals === false && parsed.positionals.length > 0) {
    throw new InputError(`unexpected argument ${parsed.positionals[0]}; ${usage}`);
  }
  const values = parsed.values as { [name: string]: Array<string | boolean> | undefined };
  return {
    positional: parsed.positionals as readonly string[],
    /** The last value of a flag given with a value. */
    value: (name: string): string | undefined => values[name]?.map(String).at(-1),
    /** Every value of a repeatable flag. */
    values: (name: string): readonly string[] => values[name]?.map(String) ?? [],
    /** Whether a flag without a value (`switches`) was given. */
    has: (name: string): boolean => values[name] !== undefined,
  };
}

/** Where a command writes: standard output or error by default, a buffer in tests. */
export type Output = (text: string) => void;

/**
 * A command's `main(argv, write?, fail?)`: runs `body` and turns what it
 * throws into an exit code: 0 and the usage on `write` for `--help`; 2 and one
 * line for an InputError; 3 and one line for anything else; never a stack trace.
 */
export function command(name: string, body: (argv: readonly string[], write: Output, fail: Output) => Promise<number>) {
  return async (
    argv: readonly string[],
    write: Output = (text) => process.stdout.write(text),
    fail: Output = (text) => process.stderr.write(text),
  ): Promise<number> => {
    try {
      return await body(argv, write, fail);
    } catch (error) {
      if (error instanceof HelpRequested) {
        write(`${error.message}\n`);
        return 0;
      }
      if (error instanceof InputError) {
        fail(`${name}: ${error.message}\n`);
        return 2;
      }
      fail(`${name}: internal error: ${(error as Error)?.message ?? String(error)}\n`);
      return 3;
    }
  };
}

/** Runs `main` with the process's arguments and sets its exit code. */
export function runFromCommandLine(main: (argv: readonly string[]) => Promise<number>): void {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
