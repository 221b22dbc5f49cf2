// Preloaded (node --require) into the run-task command by its test: on exit,
// writes the files the process loaded, to show what rules-only mode leaves out.
const fs = require("fs");

process.on("exit", () => {
  fs.writeFileSync(process.env.LOADED_MODULES_FILE, JSON.stringify(Object.keys(require.cache)));
});
