export async function timed<T>(fn: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t = performance.now();
  const value = await fn();
  return { ms: performance.now() - t, value };
}

/** p50 and p95 of `runs` sequential calls after one warm-up. */
export async function latency(fn: () => Promise<unknown>, runs: number): Promise<{ p50: number; p95: number }> {
  await fn();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) ms.push((await timed(fn)).ms);
  return { p50: percentile(ms, 50), p95: percentile(ms, 95) };
}

/** The nearest-rank percentile p of some timings. */
export function percentile(ms: number[], p: number): number {
  const sorted = [...ms].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

export type Row = { metric: string; db: string; value: number; unit: string; note?: string };

export function printRow(r: Row) {
  const v = r.unit === "ratio" ? `${r.value.toFixed(2)}×` : `${r.value.toFixed(r.value < 10 ? 2 : 0)} ${r.unit}`;
  console.log(`| ${r.metric.padEnd(58)} | ${r.db.padEnd(10)} | ${v.padStart(14)} | ${r.note ?? ""}`);
}
