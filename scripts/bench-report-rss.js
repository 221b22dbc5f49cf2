// Preloaded into benchmarked processes: writes the process's peak RSS (KiB) and CPU time (µs) on exit.
process.on("exit", () => {
  const { maxRSS, userCPUTime, systemCPUTime } = process.resourceUsage();
  require("fs").writeFileSync(process.env.BENCH_RSS_FILE, JSON.stringify({ maxRSS, userCPUTime, systemCPUTime }));
});
