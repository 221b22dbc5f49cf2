// Preloaded (node --require) into a command by a test: on exit, writes the
// files the process loaded (LOADED_MODULES_FILE), to show what it leaves out.
// A worker thread (which inherits the preload) writes its own list beside it,
// to LOADED_MODULES_FILE.thread-N, when it ends by itself.
const fs = require("fs");
const { threadId } = require("worker_threads");

process.on("exit", () => {
  const file = threadId === 0 ? process.env.LOADED_MODULES_FILE : `${process.env.LOADED_MODULES_FILE}.thread-${threadId}`;
  fs.writeFileSync(file, JSON.stringify(Object.keys(require.cache)));
});
