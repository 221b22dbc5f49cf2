/** Command-line parsing shared by the review tools: `--name=value` or `--name value`, and bare flags. */

/** Bad usage or input: the command prints the message alone and exits 2. */
export class InputError extends Error {}

export interface ParsedArguments {
  readonly positional: readonly string[];
  /** The last value of a flag given with a value. */
  value(name: string): string | undefined;
  /** Every value of a repeatable flag. */
  values(name: string): readonly string[];
  /** Whether a flag without a value (`switches`) was given. */
  has(name: string): boolean;
}

/**
 * Parses `argv`. Flags in `withValue` take a value; those in `switches` do
 * not. Anything else starting with `--` is an error naming it and `usage`.
 */
export function parseArguments(
  argv: readonly string[],
  spec: { withValue: readonly string[]; switches?: readonly string[] },
  usage: string,
): ParsedArguments {
  const positional: string[] = [];
  const flags = new Map<string, string[]>();
  for (let index = 0; index < argv.length; index++) {
    const argument = argv[index];
    if (!argument.startsWith("--")) {
      positional.push(argument);
      continue;
    }
    const [name, inline] = argument.slice(2).split(/=(.*)/s, 2);
    if (spec.switches?.includes(name)) {
      if (inline !== undefined) throw new InputError(`--${name} takes no value; ${usage}`);
      flags.set(name, [...(flags.get(name) ?? []), ""]);
      continue;
    }
    if (!spec.withValue.includes(name)) throw new InputError(`unknown option --${name}; ${usage}`);
    const value = inline ?? argv[++index];
    if (value === undefined) throw new InputError(`--${name} needs a value; ${usage}`);
    flags.set(name, [...(flags.get(name) ?? []), value]);
  }
  return {
    positional,
    value: (name) => flags.get(name)?.at(-1),
    values: (name) => flags.get(name) ?? [],
    has: (name) => flags.has(name),
  };
}

/** Where a command writes: standard output or error by default, a buffer in tests. */
export type Output = (text: string) => void;

/**
 * A command's `main(argv, write?, fail?)`: runs `body` and turns what it
 * throws into an exit code: 2 and one line for an InputError, 3 and one line
 * for anything else; never a stack trace.
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
