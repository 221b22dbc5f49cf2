/**
 * tooling/register-ts.js, the loader of `npm run` commands and of the run task's threads: many threads of one process
 * compiling the same files at once, with nothing cached yet (a fresh clone), each get the module.
 */
import { spawnSync } from "child_process";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROJECT_DIR } from "../support/terraform";

const THREADS = 8;
const FILES = 20;

it(`loads ${FILES} new TypeScript files in ${THREADS} threads of one process at once`, () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pinpoint-ses-register-ts-"));
  try {
    // Content never seen before, so that no thread finds it in the cache.
    const files = Array.from({ length: FILES }, (_, index) => {
      const file = path.join(dir, `module-${index}.ts`);
      fs.writeFileSync(file, `export const value: string = "${randomBytes(16).toString("hex")}";\n`);
      return file;
    });
    const thread = `
      const { workerData, parentPort } = require("worker_threads");
      require(${JSON.stringify(path.join(PROJECT_DIR, "tooling", "register-ts.js"))});
      parentPort.postMessage("ready");
      Atomics.wait(workerData.go, 0, 0);
      parentPort.postMessage(workerData.files.map((file) => require(file).value));`;
    // Every thread loads the loader, then all require the same files at the same moment.
    const main = `
      const { Worker } = require("worker_threads");
      const go = new Int32Array(new SharedArrayBuffer(4));
      const files = ${JSON.stringify(files)};
      let ready = 0;
      const values = [];
      for (let n = 0; n < ${THREADS}; n++) {
        const worker = new Worker(${JSON.stringify(thread)}, { eval: true, workerData: { go, files } });
        worker.on("error", (error) => { console.error(error.message); process.exitCode = 1; });
        worker.on("message", (message) => {
          if (message !== "ready") return values.push(message);
          if (++ready === ${THREADS}) { Atomics.store(go, 0, 1); Atomics.notify(go, 0); }
        });
      }
      process.on("exit", () => console.log(JSON.stringify(values)));`;
    const result = spawnSync(process.execPath, ["-e", main], { encoding: "utf8", timeout: 60_000 });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
    const expected = files.map((file) => /"([0-9a-f]{32})"/.exec(fs.readFileSync(file, "utf8"))![1]);
    expect(JSON.parse(result.stdout)).toEqual(Array.from({ length: THREADS }, () => expected));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
