import { createSeededRandom } from '../../src/recovery/schedule';
import { ALTERNATIVES, createExtensionStrategy } from './outage-simulation';
const OUT = [5, 30, 120, 600, 3600];
const ROUNDS = 101;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const lengthsOf = (o: number) => { const j = createSeededRandom(o * 10 + 1); return Array.from({ length: ROUNDS }, () => o * 1000 + (j() * 6 - 3) * 1000); };
const five: Record<number, number> = {};
for (const o of OUT) five[o] = median(lengthsOf(o).map((ms, r) => ALTERNATIVES['fixed 5 s']!(ms, 1, r + 1).requestsDuringOutage));
const results: string[] = [];
for (const first of [1000, 1500, 2000])
for (const base of [3000, 4000, 4400, 5000, 6000, 7000])
for (const factor of [1.3, 1.35, 1.4, 1.45, 1.5, 1.6])
for (const ceiling of [300_000]) {
  const s = createExtensionStrategy({ firstDelayMs: first, baseDelayMs: base, factor, ceilingMs: ceiling, giveUpAfterMs: 3 * 3600_000, maxVisibleRetries: 5 });
  let ok = 0; const parts: string[] = [];
  for (const o of OUT) {
    const rs = lengthsOf(o).map((ms, r) => s(Math.max(1000, ms), 1, r + 1));
    const d = median(rs.map((r) => r.delayMs)) / 1000; const q = median(rs.map((r) => r.requestsDuringOutage));
    const dOk = d <= 0.2 * o + 2; const qOk = o < 120 ? true : o === 120 ? q <= five[o]! / 3 : q <= five[o]! / 10;
    if (dOk && qOk) ok++;
    parts.push(`${o}s:${d.toFixed(1)}/${q}${dOk ? '' : 'D'}${qOk ? '' : 'Q'}`);
  }
  results.push(`${ok} first=${first} base=${base} f=${factor} ${parts.join(' ')}`);
}
results.sort().reverse();
console.log('5s reloader', JSON.stringify(five));
console.log(results.slice(0, 25).join('\n'));
