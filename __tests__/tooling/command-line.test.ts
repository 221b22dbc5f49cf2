/** The shared parser on util.parseArgs, and command()'s exit codes. */
import { command, InputError, parseArguments } from "../../tooling/command-line";

const USAGE = "usage: tool [--out=FILE] [--policy=X ...] [--quiet] INPUT";
const spec = { withValue: ["out", "policy"], switches: ["quiet"] };

describe("parseArguments", () => {
  it("reads positionals, the last value of a flag, every value of a repeated flag, and switches", () => {
    const args = parseArguments(["in.json", "--out", "a", "--out=b", "--policy=x=1", "--policy", "y=2", "--quiet"], spec, USAGE);
    expect(args.positional).toEqual(["in.json"]);
    expect(args.value("out")).toBe("b");
    expect(args.values("policy")).toEqual(["x=1", "y=2"]);
    expect(args.has("quiet")).toBe(true);
    expect(args.has("out")).toBe(true);
    expect(args.value("policy-missing")).toBeUndefined();
  });

  it("takes - as a positional (standard input)", () => {
    expect(parseArguments(["-"], spec, USAGE).positional).toEqual(["-"]);
  });

  it("reads nothing after -- as a flag", () => {
    expect(parseArguments(["--", "--help"], spec, USAGE).positional).toEqual(["--help"]);
  });

  it.each([
    ["an unknown long flag", ["--bogus"], `unknown option --bogus; ${USAGE}`],
    ["an unknown short flag", ["-x"], `unknown option -x; ${USAGE}`],
    ["a value for a switch", ["--quiet=yes"], `--quiet takes no value; ${USAGE}`],
    ["a flag without its value at the end", ["--out"], `--out needs a value; ${USAGE}`],
    ["a flag followed by another flag instead of its value", ["--out", "--quiet"], `--out needs a value; ${USAGE}`],
  ])("refuses %s with one line naming it and the usage", (_problem, argv, message) => {
    expect(() => parseArguments(argv, spec, USAGE)).toThrow(new InputError(message));
  });
});

describe("command", () => {
  const outputs = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, write: (text: string) => out.push(text), fail: (text: string) => err.push(text) };
  };
  let ran = false;
  const tool = command("tool", async (argv, write) => {
    const args = parseArguments(argv, spec, USAGE);
    ran = true;
    if (args.has("quiet")) throw new Error("disk full");
    write(`read ${args.positional[0]}\n`);
    return 0;
  });
  beforeEach(() => {
    ran = false;
  });

  it.each([["--help"], ["-h"]])("answers %s with the usage on standard output and exit 0, before anything runs", async (flag) => {
    const io = outputs();
    expect(await tool(["in.json", "--bogus", flag], io.write, io.fail)).toBe(0);
    expect({ out: io.out, err: io.err, ran }).toEqual({ out: [`${USAGE}\n`], err: [], ran: false });
  });

  it("refuses an unknown flag with its name and the usage on standard error and exit 2, before anything runs", async () => {
    const io = outputs();
    expect(await tool(["--bogus"], io.write, io.fail)).toBe(2);
    expect({ out: io.out, err: io.err, ran }).toEqual({ out: [], err: [`tool: unknown option --bogus; ${USAGE}\n`], ran: false });
  });

  it("reports any other failure in one line with exit 3", async () => {
    const io = outputs();
    expect(await tool(["--quiet"], io.write, io.fail)).toBe(3);
    expect(io.err).toEqual(["tool: internal error: disk full\n"]);
  });
});
