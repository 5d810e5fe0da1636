/**
 * libs/compose speed: parse + validate + normalise (+ toStack) of (a) every
 * compose file of ../shared/compose-corpus and (b) a generated 1,000-service
 * file, against `docker-compose config` (Debian's 1.29) on the same files in
 * the same run. Prints one JSON line per case.
 * Usage: node dist/bench/compose/main.js [--services 1000] [--rounds 5] [--no-oracle] [--corpus DIR]
 * `flotillaMs` is the median of the rounds (the first, cold, one included), `flotillaMinMs` the best;
 * `ratio` is flotilla's median over docker-compose's time (0.01 = a hundred times faster).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { ComposeError, loadProject, toStack } from '@flotilla/compose';
import { exitOnHelp } from '../support/usage';

exitOnHelp(__filename);

const run = promisify(execFile);
const ROOT = resolve(__dirname, '..', '..', '..');
const CORPUS = process.argv.includes('--corpus') ? resolve(process.argv[process.argv.indexOf('--corpus') + 1]) : resolve(ROOT, '..', 'shared', 'compose-corpus');
const ORACLE = '/usr/bin/docker-compose';

function arg(name: string, def: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' };

/** Loads and converts one file; a ComposeError counts as a (fast) answer, as it does for the oracle. */
function ours(file: string): boolean {
  try {
    toStack(loadProject({ files: [file], env, workingDir: dirname(file) }));
    return true;
  } catch (e) {
    if (e instanceof ComposeError) return false;
    throw e;
  }
}

async function oracle(file: string): Promise<boolean> {
  try {
    await run(ORACLE, ['-f', basename(file), 'config'], { cwd: dirname(file), env, maxBuffer: 256 * 1024 * 1024 });
    return true;
  } catch {
    return false;
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

function timeOurs(files: string[], rounds: number): { coldMs: number; ms: number; minMs: number } {
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (const f of files) ours(f);
    times.push(performance.now() - t0);
  }
  return { coldMs: round(times[0]), ms: round(median(times)), minMs: round(Math.min(...times)) };
}

async function timeOracle(files: string[]): Promise<number> {
  const t0 = performance.now();
  for (const f of files) await oracle(f);
  return round(performance.now() - t0);
}

const round = (x: number) => Math.round(x * 10) / 10;
const ratio = (a: number, b: number) => Math.round((a / b) * 10000) / 10000;

/** A big but realistic project: each service with ports, env, volumes, healthcheck, deploy and a dependency. */
function generated(n: number): string {
  const lines = ['version: "3.8"', 'services:'];
  for (let i = 0; i < n; i++) {
    lines.push(
      `  svc${i}:`,
      `    image: "registry.local/app/svc${i}:\${TAG:-1.0}"`,
      `    command: ["serve", "--port", "${8000 + (i % 1000)}"]`,
      '    environment:',
      `      - SERVICE=svc${i}`,
      '      - LOG_LEVEL=${LOG_LEVEL:-info}',
      '    ports:',
      `      - "${10000 + i}:${8000 + (i % 1000)}"`,
      '    volumes:',
      `      - data${i % 10}:/data`,
      '      - ./conf:/etc/app:ro',
      '    networks: [front, back]',
      '    healthcheck:',
      '      test: ["CMD", "true"]',
      '      interval: 10s',
      '    deploy:',
      `      replicas: ${1 + (i % 3)}`,
      '      resources: {limits: {cpus: "0.5", memory: 64M}}',
      '      restart_policy: {condition: on-failure, max_attempts: 3}',
      ...(i > 0 ? ['    depends_on:', `      - svc${i - 1}`] : []),
    );
  }
  lines.push('networks:', '  front: {}', '  back: {internal: true}', 'volumes:');
  for (let v = 0; v < 10; v++) lines.push(`  data${v}: {}`);
  return lines.join('\n') + '\n';
}

async function main() {
  const rounds = arg('rounds', 5);
  const n = arg('services', 1000);
  const withOracle = !process.argv.includes('--no-oracle') && existsSync(ORACLE);

  const corpus = walk(CORPUS).filter((f) => /\.ya?ml$/.test(f)).sort();
  if (corpus.length) {
    const mine = timeOurs(corpus, rounds);
    const theirs = withOracle ? await timeOracle(corpus) : undefined;
    console.log(JSON.stringify({ bench: 'compose', case: 'corpus', files: corpus.length, flotillaMs: mine.ms, flotillaMinMs: mine.minMs, flotillaColdMs: mine.coldMs, dockerComposeMs: theirs, ratio: theirs ? ratio(mine.ms, theirs) : undefined }));
  } else {
    console.log(JSON.stringify({ bench: 'compose', case: 'corpus', skipped: `no compose files under ${CORPUS}` }));
  }

  const dir = mkdtempSync(join(tmpdir(), 'flotilla-bench-compose-'));
  try {
    const file = join(dir, 'docker-compose.yml');
    writeFileSync(file, generated(n));
    if (!ours(file)) throw new Error('the generated file does not load');
    const mine = timeOurs([file], rounds);
    const theirs = withOracle ? await timeOracle([file]) : undefined;
    console.log(JSON.stringify({ bench: 'compose', case: `generated-${n}-services`, flotillaMs: mine.ms, flotillaMinMs: mine.minMs, flotillaColdMs: mine.coldMs, goalMs: 150, dockerComposeMs: theirs, ratio: theirs ? ratio(mine.ms, theirs) : undefined }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
