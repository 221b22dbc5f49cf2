// Preloaded into benchmarked processes: writes the process's peak RSS (KiB) on exit.
process.on("exit", () => {
  require("fs").writeFileSync(process.env.BENCH_RSS_FILE, String(process.resourceUsage().maxRSS));
});
