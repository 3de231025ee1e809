// What the timing benches (load.mjs, table.mjs) share: the summary they print, the JSON they
// write, and their exit status (0 budget met, 3 budget missed; 1 is left for errors).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/** Exit status of a bench that measured fine but missed its budget. */
export const BUDGET_MISSED = 3;

/**
 * Prints min, median and max of `times` (ms) and whether the median is under `budgetMs`;
 * writes `{...fields, times, median, budget_ms, met}` to `out` when given; sets the exit status.
 */
export function report(times, budgetMs, fields, out, what = '') {
  const sorted = [...times].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  const met = median < budgetMs;
  console.log(
    `min ${sorted[0].toFixed(1)} ms, median ${median.toFixed(1)} ms, max ${sorted.at(-1).toFixed(1)} ms${what}`,
  );
  console.log(`budget: median < ${budgetMs} ms: ${met ? 'met' : 'MISSED'}`);
  if (out) {
    mkdirSync(dirname(out), { recursive: true });
    const result = { ...fields, times, median, budget_ms: budgetMs, met };
    writeFileSync(out, JSON.stringify(result, null, 2) + '\n');
  }
  process.exitCode = met ? 0 : BUDGET_MISSED;
}
