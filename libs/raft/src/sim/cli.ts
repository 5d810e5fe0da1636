/**
 * `npm run test:raft-sim -- --seeds N --offset K [--seed S] [--verbose]`
 * Runs seeds K..K+N-1 of the whole-cluster simulator and prints
 * "N passed, M failed". A failing seed is re-run with tracing and the
 * shortest chaos phase that still fails, and that trace is printed.
 * `--seed S [--chaos-ms M] [--trace]` replays one run, printing every event.
 */
import { runSeed } from './run-seed';
import type { SeedResult } from './run-seed';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

function shrink(seed: number): SeedResult {
  // Deterministic runs: the shortest chaos phase that still fails is the minimal reproduction.
  let lo = 0;
  let hi = 2500;
  let best = runSeed(seed, { trace: true });
  while (hi - lo > 50) {
    const mid = Math.floor((lo + hi) / 2);
    const r = runSeed(seed, { trace: true, chaosMs: mid });
    if (!r.ok) {
      hi = mid;
      best = r;
    } else lo = mid;
  }
  return best;
}

function main(): void {
  const single = arg('seed', -1);
  const n = single >= 0 ? 1 : arg('seeds', 100);
  const offset = single >= 0 ? single : arg('offset', 0);
  const verbose = process.argv.includes('--verbose');
  const chaos = arg('chaos-ms', -1);
  const trace = process.argv.includes('--trace');
  const started = process.hrtime.bigint();
  let passed = 0;
  let failed = 0;
  let ops = 0;
  for (let s = offset; s < offset + n; s++) {
    const r = runSeed(s, { chaosMs: chaos >= 0 ? chaos : undefined, trace });
    if (trace) for (const line of r.trace) console.log(`    ${line}`);
    ops += r.ops;
    if (r.ok) {
      passed++;
      if (verbose) console.log(`seed ${s} ok (${r.ops} ops, ${r.messages} messages)`);
      continue;
    }
    failed++;
    const min = shrink(s);
    console.log(`FAIL seed ${s}: ${r.failure}`);
    const shortest = min.chaosMs ?? 2500;
    console.log(`  reproduce: npm run test:raft-sim -- --seed ${s}`);
    console.log(`  minimal: npm run test:raft-sim -- --seed ${s} --chaos-ms ${shortest} --trace`);
    console.log(`  trace of the minimal run (${min.failure}), last 80 events:`);
    for (const line of min.trace.slice(-80)) console.log(`    ${line}`);
  }
  const secs = Number(process.hrtime.bigint() - started) / 1e9;
  console.log(`${n} seeds in ${secs.toFixed(1)} s (${ops} client operations checked)`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed > 0 ? 1 : 0;
}

main();
