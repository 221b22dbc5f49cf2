// The load generator of `npm run bench -- run-task`, in a process of its own, as Terraform Cloud is on another machine:
// reads `{ url, requests, inFlight }` as JSON on standard input, sends the signed requests `inFlight` at a time, and
// writes each one's status, answer time (ms) and when it was sent (Date.now()) as JSON on standard output. In the bench's
// own process, its event loop (which runs the fake Terraform Cloud) and the client's would share one core's turn.
// Plain JavaScript, so that it needs no TypeScript loader.
"use strict";
const http = require("http");

/** POSTs one signed body; resolves with its status and timings. */
function send(url, agent, { body, signature }) {
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

async function main() {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  const { url, requests, inFlight } = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
  const answers = new Array(requests.length);
  let next = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    for (let index = next++; index < requests.length; index = next++) answers[index] = await send(url, agent, requests[index]);
  }));
  agent.destroy();
  process.stdout.write(JSON.stringify(answers));
}

main().catch((error) => {
  process.stderr.write(`bench-load: ${error.message}\n`);
  process.exit(1);
});
