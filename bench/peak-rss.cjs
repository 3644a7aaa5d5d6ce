// Preloaded into a benchmarked child process with `node --require`: when the
// process exits, it reports its own peak resident set size, so the benchmark
// needs no external tool such as GNU time. The line goes to stderr with a
// prefix the benchmark looks for.
"use strict";
process.on("exit", () => {
  process.stderr.write(`\npeak-rss-kib=${process.resourceUsage().maxRSS}\n`);
});
