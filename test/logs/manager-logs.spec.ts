import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DOCKER_HOST, MANAGER_MAIN, REDIS_URL } from '../support/env';
import { freePort } from '../support/ports';

interface Run {
  stdout: string;
  stderr: string;
}

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** A real manager (embedded worker included) at this level: started until ready (its pid file), then stopped. */
async function runManager(level: string): Promise<Run> {
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-logs-'));
  dirs.push(dir);
  const port = await freePort();
  const child = spawn(process.execPath, [MANAGER_MAIN, '--listen-addr', `127.0.0.1:${port}`, '--data-dir', dir, '--log-level', level], {
    env: { ...process.env, DOCKER_HOST, REDIS_URL },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: Run = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (run.stdout += d));
  child.stderr.on('data', (d) => (run.stderr += d));
  const exited = new Promise<number | null>((r) => child.once('exit', r));
  const deadline = Date.now() + 60_000;
  while (!existsSync(join(dir, 'manager.pid'))) {
    if (child.exitCode !== null) throw new Error(`manager exited: ${run.stdout}${run.stderr}`);
    if (Date.now() > deadline) throw new Error(`manager not ready: ${run.stdout}${run.stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGTERM');
  expect(await exited).toBe(0);
  return run;
}

const parse = (text: string) =>
  text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { level: number; component?: string; node?: string; msg?: string; [k: string]: unknown });

describe('manager logs (pino)', () => {
  it('--log-level debug: every line is JSON with component and node, debug lines included, fields at top level', async () => {
    const run = await runManager('debug');
    const lines = parse(run.stdout);
    expect(lines.length).toBeGreaterThan(5);
    const node = lines[0].node;
    expect(node).toMatch(/^[a-z0-9]{25}$/);
    for (const l of lines) {
      expect(l.node).toBe(node);
      expect(typeof l.component).toBe('string');
    }
    const config = lines.find((l) => l.msg === 'configuration');
    expect(config).toMatchObject({ level: 20, component: 'Main', logLevel: 'debug' });
    const ready = lines.find((l) => l.msg === 'manager ready');
    expect(ready).toMatchObject({ level: 30, component: 'Main' });
    expect(ready!.listen).toMatch(/^127\.0\.0\.1:\d+$/);
    // Nest's own lines (its context as component) go through the same logger.
    expect(lines.find((l) => l.msg === 'ManagerModule dependencies initialized')).toMatchObject({ level: 30, component: 'InstanceLoader' });
    expect(parse(run.stderr)).toEqual([]);
  });

  it('--log-level warn: no debug or info line', async () => {
    const run = await runManager('warn');
    const lines = [...parse(run.stdout), ...parse(run.stderr)];
    expect(lines.filter((l) => l.level < 40)).toEqual([]);
  });

  it('an unknown level is refused at boot with one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flotilla-logs-'));
    dirs.push(dir);
    const child = spawn(process.execPath, [MANAGER_MAIN, '--data-dir', dir, '--log-level', 'loud'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise<number | null>((r) => child.once('exit', r));
    expect(code).toBe(1);
    expect(stderr).toBe('flotilla-manager: --log-level must be one of debug, info, warn, error, got loud\n');
  });
});
