// A worker thread of `npm run bench -- run-task`: sends the signed requests it is given, `inFlight` at a time, and
// posts back each one's status, answer time (ms) and when it was sent (Date.now()). On its own thread, so that the
// answer times are the server's, not the wait for the bench's own event loop (which runs the fake Terraform Cloud).
// Plain JavaScript, so that it needs no TypeScript loader.
"use strict";
const http = require("http");
const { parentPort, workerData } = require("worker_threads");

const { url, requests, inFlight } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });

/** POSTs one signed body; resolves with its status and timings. */
function send({ body, signature }) {
  return new Promise((resolve, reject) => {
    const sent = Date.now();
    const started = process.hrtime.bigint();
    const request = http.request(url, {
      method: "POST",
      agent,
      headers: { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(body), "X-TFC-Task-Signature": signature },
      timeout: 30_000,
    }, (response) => {
      response.resume();
      response.on("end", () => resolve({ status: response.statusCode, ms: Number(process.hrtime.bigint() - started) / 1e6, sent }));
    });
    request.on("timeout", () => request.destroy(new Error("no answer in 30 s")));
    request.on("error", reject);
    request.end(body);
  });
}

(async () => {
  const answers = new Array(requests.length);
  let next = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    for (let index = next++; index < requests.length; index = next++) answers[index] = await send(requests[index]);
  }));
  agent.destroy();
  parentPort.postMessage(answers);
})();
