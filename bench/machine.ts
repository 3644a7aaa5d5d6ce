import { cpus, totalmem, type as osType, release } from "node:os";

/** One line describing the machine a benchmark ran on, for BENCHMARKS.md. */
export function describeMachine(): string {
  const cpu = cpus();
  const model = cpu[0]?.model.trim() ?? "unknown CPU";
  const memoryGiB = (totalmem() / 2 ** 30).toFixed(0);
  return `${cpu.length} × ${model}, ${memoryGiB} GiB RAM, ${osType()} ${release()}, Node ${process.version}`;
}

/** Runs `work` repeatedly until at least `minMillis` pass; returns operations per second. */
export function opsPerSecond(work: () => void, minMillis = 1500): number {
  for (let i = 0; i < 3; i++) work(); // warm up the JIT
  let runs = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    work();
    runs++;
    elapsed = performance.now() - start;
  } while (elapsed < minMillis);
  return (runs * 1000) / elapsed;
}
