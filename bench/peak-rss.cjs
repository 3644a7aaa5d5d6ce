// Preloaded into a benchmarked child process with `node --require`: when the
// process exits, it reports its own peak resident set size, so the benchmark
// needs no external tool such as GNU time. The line goes to stderr with a
// prefix the benchmark looks for.
//
// On Linux it reads VmHWM from /proc/self/status: getrusage's ru_maxrss
// (process.resourceUsage().maxRSS) survives exec, so a child spawned by a
// benchmark that holds a large input in memory would report the parent's
// size instead of its own.
"use strict";
const { readFileSync } = require("node:fs");

function peakRssKiB() {
  try {
    const match = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync("/proc/self/status", "utf8"));
    if (match) return Number(match[1]);
  } catch {
    // Not Linux: fall through.
  }
  return process.resourceUsage().maxRSS;
}

process.on("exit", () => {
  process.stderr.write(`\npeak-rss-kib=${peakRssKiB()}\n`);
});
