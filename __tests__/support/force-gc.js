// Preloaded (node --expose-gc --require) into a command by a test: runs garbage collection every 50 ms, in the main
// thread and in each worker thread (which inherits the preload), so that whatever a collection can break, breaks.
if (typeof global.gc !== "function") throw new Error("force-gc.js needs node --expose-gc");
setInterval(() => global.gc(), 50).unref();
