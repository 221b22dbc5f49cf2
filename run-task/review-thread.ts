/**
 * A review thread of the pool (run-task/review-pool.ts): reviews one plan at a time, off the server's event loop.
 * It knows nothing of the options it passes on: `review` goes to `reviewPlan` and `result` to `reviewResult` as they
 * come, so that a new review option needs no change here.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parentPort, workerData } from "worker_threads";
import { parsePlan } from "../review/plan";
import { reviewPlan } from "../review/review";
import { reviewResult, serialise } from "./task-result";
import type { ReviewReply, ReviewRequest } from "./review-pool";

const port = parentPort;
if (!port) throw new Error("run-task/review-thread.ts runs as a worker thread of run-task/review-pool.ts");

/**
 * Reviews yield the CPU to the HTTP loop: on Linux, a thread's own ID names it to setpriority(2), and a review thread
 * lowers its priority (nice 10), so that answering a request never waits behind a review, even with a thread per core.
 */
const THREAD_SELF = "/proc/thread-self";
if (process.platform === "linux" && fs.existsSync(THREAD_SELF)) os.setPriority(Number(path.basename(fs.readlinkSync(THREAD_SELF))), 10);

port.on("message", (job: ReviewRequest | "stop") => {
  // Closing the port leaves the thread nothing to wait for: it ends by itself, as a process would.
  if (job === "stop") return port.close();
  void (async (): Promise<ReviewReply> => {
    const started = process.hrtime.bigint();
    try {
      // Non-fatal decoding, as Buffer#toString: a bad byte becomes U+FFFD and JSON parsing says where.
      const plan = parsePlan(new TextDecoder("utf-8").decode(job.plan), job.source);
      const review = await reviewPlan(plan, job.review);
      const result = serialise(reviewResult(review, job.result));
      return { ok: true, result, findings: review.findings.length, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
    } catch (error) {
      return { ok: false, reason: error instanceof Error ? error.message : String(error) };
    }
  })().then((reply) => port.postMessage(reply));
});

// What the pool asks to have loaded before the first review (the simulator, when the server simulates).
for (const file of (workerData as { preload: readonly string[] }).preload) require(file);

port.postMessage("ready");
