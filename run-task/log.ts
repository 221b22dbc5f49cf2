/**
 * Structured logs: one JSON object per line and event (`{"time", "event", …}`). Fields that could carry a secret are
 * dropped whatever their value, so that no caller can log a token by mistake.
 */

export type Logger = (event: string, fields?: { readonly [name: string]: string | number | boolean | undefined | null }) => void;

/** Field names never written: tokens, credentials, signatures, keys. */
const SECRET_FIELD = /token|authorization|signature|secret|hmac|password|key$/i;

/** The user name and password of a URL in text (`scheme://user:password@`). */
const USERINFO = /\b([a-z][a-z\d+.-]*:\/\/)[^/?#\s@]*@/gi;

/**
 * Writes each event as one JSON line through `write` (standard error by default). A URL's user name and password
 * are cut out of every text field: admission refuses such URLs, and this makes sure no message carries one anyway.
 */
export function jsonLogger(write: (line: string) => void = (line) => process.stderr.write(line)): Logger {
  return (event, fields = {}) => {
    const safe = Object.entries(fields).filter(([name, value]) => value !== undefined && !SECRET_FIELD.test(name))
      .map(([name, value]) => [name, typeof value === "string" ? value.replace(USERINFO, "$1[userinfo]@") : value]);
    write(`${JSON.stringify({ time: new Date().toISOString(), event, ...Object.fromEntries(safe) })}\n`);
  };
}

/** Milliseconds since `started` (from `process.hrtime.bigint()`), to one decimal. */
export function elapsedMs(started: bigint): number {
  return Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10;
}
