// Preloaded (`node --import`) into a measured child process: on exit, prints the process's peak
// resident memory (all threads, workers included) for the parent to read.
process.on("exit", () => {
  process.stderr.write(`\npeak-rss-mb ${Math.round(process.resourceUsage().maxRSS / 1024)}\n`);
});
