/**
 * Preloaded (`node -r`) into a process under benchmark: every second, writes
 * its event-loop delay (p50/p99/max since start, ms) and CPU seconds to the
 * file named by FLOTILLA_BENCH_LAG_FILE; SIGUSR2 starts the histogram afresh
 * (the benchmark sends it when the measured phase begins).
 */
import { renameSync, writeFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';

const file = process.env.FLOTILLA_BENCH_LAG_FILE;
if (file) {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  process.on('SIGUSR2', () => h.reset());
  const t = setInterval(() => {
    const ms = (n: number) => Math.round(n / 1e6);
    const cpu = process.cpuUsage();
    // Written aside and renamed: the reader never sees half a file.
    writeFileSync(
      `${file}.tmp`,
      JSON.stringify({ p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), cpuSeconds: +((cpu.user + cpu.system) / 1e6).toFixed(1) }),
    );
    renameSync(`${file}.tmp`, file);
  }, 1000);
  t.unref();
}
