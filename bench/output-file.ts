/**
 * The file a benchmark run writes, by its `BENCH_SCALE`: only a full-scale
 * run (unset or 1, read as the benchmarks read it) replaces the committed
 * BENCHMARKS.md; a scaled run's numbers are dominated by start-up, so they go
 * to BENCHMARKS.quick.md, which git ignores.
 */
export function benchmarkOutputFile(benchScale: string | undefined): "BENCHMARKS.md" | "BENCHMARKS.quick.md" {
  return Number(benchScale ?? "1") === 1 ? "BENCHMARKS.md" : "BENCHMARKS.quick.md";
}
