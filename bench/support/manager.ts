import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/** The repository root, from dist/bench/<name>/. */
export const ROOT = resolve(__dirname, '..', '..', '..');

export function freePort(): Promise<number> {
  return new Promise((res) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => res(p));
    });
  });
}

/** Resolves when the child prints `text` on stdout; rejects if it exits first. */
export function waitLine(child: ChildProcess, text: string): Promise<void> {
  return new Promise((res, rej) => {
    let buf = '';
    let seen = false;
    child.stdout!.on('data', (d) => {
      if (seen) return;
      buf += d;
      if (buf.includes(text)) {
        seen = true;
        buf = '';
        res();
      }
    });
    child.once('exit', (c) => rej(new Error(`exited ${c} before "${text}"`)));
  });
}

export interface BenchManager {
  port: number;
  url: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** A manager on a free loopback port with a throwaway data dir, for one benchmark run. */
export async function startManager(opts: { args?: string[]; env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {}): Promise<BenchManager> {
  const port = await freePort();
  const dataDir = mkdtempSync(join(tmpdir(), 'flotilla-bench-'));
  const child = spawn(
    process.execPath,
    [...(opts.nodeArgs ?? []), join(ROOT, 'dist/apps/manager/src/main.js'), '--listen-addr', `127.0.0.1:${port}`, '--data-dir', dataDir, ...(opts.args ?? [])],
    { env: opts.env ?? process.env, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  // FLOTILLA_BENCH_LOGS=DIR keeps each manager's log (leader changes, errors) for after the run.
  if (process.env.FLOTILLA_BENCH_LOGS) child.stdout!.pipe(createWriteStream(join(process.env.FLOTILLA_BENCH_LOGS, `manager-${port}.log`)));
  await waitLine(child, 'manager ready');
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    child,
    stop: async () => {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
