/**
 * Preloaded (`node --require`) into the run task server by a test: SIGUSR2 ends the server's HTTP thread, as a crash
 * of that thread would. Nothing a client sends makes the thread fail, so it is ended from outside.
 */
"use strict";
const workerThreads = require("worker_threads");

let httpThread;
workerThreads.Worker = class extends workerThreads.Worker {
  constructor(source, options) {
    super(source, options);
    if (String(source).includes("http-thread")) httpThread = this;
  }
};
process.on("SIGUSR2", () => void httpThread?.terminate());
