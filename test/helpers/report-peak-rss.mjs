// Preloaded (`node --import`) into a measured child process: on exit, prints the process's peak
// resident memory (all threads, workers included) and CPU time for the parent to read.
process.on("exit", () => {
  const usage = process.resourceUsage();
  const cpuMs = Math.round((usage.userCPUTime + usage.systemCPUTime) / 1000);
  process.stderr.write(`\npeak-rss-mb ${Math.round(usage.maxRSS / 1024)} cpu-ms ${cpuMs}\n`);
});
