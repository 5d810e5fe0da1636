/**
 * `flotilla compose up -d --scale web=N` vs `docker-compose up -d --scale web=N`
 * (Debian's 1.29) on the same file and the same engine, in the same run.
 * Each side is timed from the command's start until N containers of the
 * project run; then torn down. Prints one JSON line per side and one with
 * the ratio. Usage: node dist/bench/compose-scale/main.js [--replicas 10] [--rounds 3]
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, startManager } from '../support/manager';
import { exitOnHelp } from '../support/usage';

exitOnHelp(__filename);

const run = promisify(execFile);
const FILE = join(ROOT, 'compose-examples', 'hello', 'docker-compose.yml');

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

async function runningCount(project: string): Promise<number> {
  const { stdout } = await run('docker', ['ps', '-q', '--filter', `label=com.docker.compose.project=${project}`]);
  return stdout.trim() ? stdout.trim().split('\n').length : 0;
}

async function untilRunning(project: string, n: number, t0: number): Promise<number> {
  const deadline = Date.now() + 300_000;
  while ((await runningCount(project)) < n) {
    if (Date.now() > deadline) throw new Error(`${project}: ${n} containers never ran`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return (performance.now() - t0) / 1000;
}


async function main() {
  const n = arg('replicas', 10);
  const rounds = arg('rounds', 3);
  // Both sides read the same file; an ephemeral host port lets docker-compose scale it at all.
  const env = { ...process.env, HELLO_PUBLISH: '80' };

  const manager = await startManager({ env });
  const fenv = { ...env, FLOTILLA_HOST: `127.0.0.1:${manager.port}` };
  const results: { flotilla: number[]; compose: number[] } = { flotilla: [], compose: [] };
  try {
    for (let r = 0; r < rounds; r++) {
      const fp = `benchflo${process.pid}r${r}`;
      let t0 = performance.now();
      await run('node', [join(ROOT, 'bin/flotilla.js'), 'compose', '-f', FILE, '-p', fp, 'up', '-d', '--scale', `web=${n}`], { env: fenv });
      results.flotilla.push(await untilRunning(fp, n, t0));
      await run('node', [join(ROOT, 'bin/flotilla.js'), 'compose', '-f', FILE, '-p', fp, 'down'], { env: fenv });

      const cp = `benchdc${process.pid}r${r}`;
      t0 = performance.now();
      await run('docker-compose', ['-f', FILE, '-p', cp, 'up', '-d', '--scale', `web=${n}`], { env });
      results.compose.push(await untilRunning(cp, n, t0));
      await run('docker-compose', ['-f', FILE, '-p', cp, 'down'], { env });
    }
  } finally {
    await manager.stop();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const f = median(results.flotilla);
  const c = median(results.compose);
  console.log(JSON.stringify({ side: 'flotilla', replicas: n, startSeconds: +f.toFixed(3), runs: results.flotilla.map((x) => +x.toFixed(3)) }));
  console.log(JSON.stringify({ side: 'docker-compose-1.29', replicas: n, startSeconds: +c.toFixed(3), runs: results.compose.map((x) => +x.toFixed(3)) }));
  console.log(JSON.stringify({ ratio: +(f / c).toFixed(3), meaning: 'flotilla time / docker-compose time, median of rounds' }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
