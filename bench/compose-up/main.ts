/**
 * `flotilla compose up -d` vs `docker-compose up -d` (Debian's 1.29) on a 3-service project:
 * `app` is built (`build:` with args), waits for `db` to be healthy, and `web` waits for `app`
 * to be healthy. Each side is timed from the command's start until its three containers run and
 * the healthchecked ones are healthy, its built image removed before each round (the layer
 * cache is the engine's, shared). Prints one JSON line per side and one with the ratio.
 * Usage: node dist/bench/compose-up/main.js [--rounds 3]
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT, startManager } from '../support/manager';
import { exitOnHelp } from '../support/usage';

exitOnHelp(__filename);

const run = promisify(execFile);
const FILE = join(ROOT, 'bench', 'compose-up', 'project', 'docker-compose.yml');

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

/** Containers of the project that are up and, when they have a healthcheck, healthy. */
async function readyCount(project: string): Promise<number> {
  const { stdout } = await run('docker', ['ps', '--filter', `label=com.docker.compose.project=${project}`, '--format', '{{.Status}}']);
  return stdout
    .split('\n')
    .filter((s) => s.startsWith('Up') && !s.includes('health: starting') && !s.includes('unhealthy')).length;
}

async function untilReady(project: string, t0: number): Promise<number> {
  const deadline = Date.now() + 300_000;
  while ((await readyCount(project)) < 3) {
    if (Date.now() > deadline) throw new Error(`${project}: never all healthy`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return (performance.now() - t0) / 1000;
}

async function main() {
  const rounds = arg('rounds', 3);
  const manager = await startManager({ env: process.env });
  const fenv = { ...process.env, FLOTILLA_HOST: `127.0.0.1:${manager.port}` };
  const results: { flotilla: number[]; compose: number[] } = { flotilla: [], compose: [] };
  const flotilla = (p: string, ...args: string[]) => run('node', [join(ROOT, 'bin/flotilla.js'), 'compose', '-f', FILE, '-p', p, ...args], { env: fenv });
  const compose = (p: string, ...args: string[]) => run('docker-compose', ['-f', FILE, '-p', p, ...args], { env: { ...process.env, COMPOSE_DOCKER_CLI_BUILD: '0' } });
  try {
    for (let r = 0; r < rounds; r++) {
      for (const [side, up, list] of [
        ['flo', flotilla, results.flotilla],
        ['dc', compose, results.compose],
      ] as const) {
        const p = `bh${side}${process.pid}r${r}`;
        const t0 = performance.now();
        await up(p, 'up', '-d');
        list.push(await untilReady(p, t0));
        await up(p, 'down', '--rmi', 'local').catch(async () => {
          await up(p, 'down');
          await run('docker', ['rmi', '-f', `${p}_app`]).catch(() => undefined);
        });
      }
    }
  } finally {
    await manager.stop();
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const f = median(results.flotilla);
  const c = median(results.compose);
  console.log(JSON.stringify({ side: 'flotilla', allHealthySeconds: +f.toFixed(3), runs: results.flotilla.map((x) => +x.toFixed(3)) }));
  console.log(JSON.stringify({ side: 'docker-compose-1.29', allHealthySeconds: +c.toFixed(3), runs: results.compose.map((x) => +x.toFixed(3)) }));
  console.log(JSON.stringify({ ratio: +(f / c).toFixed(3), meaning: 'flotilla time / docker-compose time, median of rounds' }));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
