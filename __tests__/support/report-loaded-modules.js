// Preloaded (node --require) into a command by a test: on exit, writes the
// files the process loaded (LOADED_MODULES_FILE), to show what it leaves out.
const fs = require("fs");

process.on("exit", () => {
  fs.writeFileSync(process.env.LOADED_MODULES_FILE, JSON.stringify(Object.keys(require.cache)));
});
