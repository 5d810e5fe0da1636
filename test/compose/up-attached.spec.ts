import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { flotilla } from '../support/cli';
import { CLI, DOCKER_HOST } from '../support/env';
import { containersOf, docker, eventually, purgeProject } from '../support/docker';
import { ManagerProcess } from '../support/manager';

/**
 * `flotilla compose up` attached, side by side with docker-compose 1.29 on the same file and engine:
 * same stdout (log lines compared as a set: containers interleave as they please), same exit code,
 * same stop/kill lines. Ctrl+C is a real SIGINT to the child process.
 */
const DIR = join(__dirname, 'fixtures', 'up-attached');
const FILE = join(DIR, 'docker-compose.yml');
const FLO = `tupa${process.pid}`;
const REF = `tupr${process.pid}`;

interface Run {
  stdout: string;
  stderr: string;
  code: number;
}

/** A command whose output can be waited on while it runs, and signalled. */
function start(cmd: string, args: string[], env: Record<string, string | undefined>) {
  const child = spawn(cmd, args, { cwd: DIR, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const r: Run = { stdout: '', stderr: '', code: -1 };
  child.stdout.on('data', (d) => (r.stdout += d));
  child.stderr.on('data', (d) => (r.stderr += d));
  const done = new Promise<Run>((resolve) => child.on('close', (code) => resolve({ ...r, code: code ?? -1 })));
  const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
  void done.finally(() => clearTimeout(timer));
  return {
    done,
    signal: (s: NodeJS.Signals) => child.kill(s),
    until: (where: 'stdout' | 'stderr', re: RegExp) => eventually(async () => re.test(r[where]), `${cmd} ${args.join(' ')} to print ${re}\n${r.stdout}\n${r.stderr}`, 120_000, 100),
  };
}

describe('compose up attached, next to docker-compose 1.29', () => {
  let m: ManagerProcess;
  let env: Record<string, string>;
  const flo = (args: string[], extra: Record<string, string> = {}) =>
    start(process.execPath, [CLI, 'compose', '-f', FILE, '-p', FLO, ...args], { ...env, ...extra });
  const ref = (args: string[], extra: Record<string, string> = {}) =>
    start('docker-compose', ['-f', FILE, '-p', REF, ...args], { DOCKER_HOST, ...extra });

  beforeAll(async () => {
    await purgeProject(FLO);
    await purgeProject(REF);
    m = await ManagerProcess.create();
    env = m.cliEnv;
  });
  afterEach(async () => {
    await flotilla(['compose', '-f', FILE, '-p', FLO, 'down', '-t', '0'], env).catch(() => undefined);
    await start('docker-compose', ['-f', FILE, '-p', REF, 'down', '-t', '0'], { DOCKER_HOST }).done;
    await eventually(async () => (await containersOf(FLO)).length === 0, 'flotilla containers gone');
  });
  afterAll(async () => {
    await m?.destroy();
    await purgeProject(FLO);
    await purgeProject(REF);
  });

  /** stdout with the project name and the log lines' order taken out. */
  function shape(out: string, project: string) {
    const lines = out.replaceAll(project, 'P').split('\n');
    const isLog = (l: string) => / (ready|ran)$/.test(l);
    return { head: lines[0], logs: lines.filter(isLog).sort(), rest: lines.slice(1).filter((l) => !isLog(l)) };
  }
  /** The Stopping/Killing lines, names normalised and padding collapsed. */
  function stops(err: string, project: string) {
    return err
      .replaceAll(project, 'P')
      .replaceAll('\r', '')
      .split('\n')
      .filter((l) => /^(Stopping|Killing) /.test(l))
      .map((l) => l.replace(/\s+/g, ' ').trim());
  }

  it.each([
    ['--abort-on-container-exit: the job exits 3, the rest stop, up exits 3', ['--abort-on-container-exit'], {}],
    ['--exit-code-from job: exit 0', ['--exit-code-from', 'job'], { JOB_EXIT: '0' }],
    ['--no-color', ['--no-color', '--abort-on-container-exit'], {}],
    ['--no-log-prefix', ['--no-log-prefix', '--abort-on-container-exit'], {}],
  ])('%s', async (_n, flags, extra) => {
    const a = await ref(['up', ...flags, 'web', 'job'], extra).done;
    const b = await flo(['up', ...flags, 'web', 'job'], extra).done;
    expect(a.code).not.toBe(-1);
    expect(b.code, b.stderr).toBe(a.code);
    expect(shape(b.stdout, FLO)).toEqual(shape(a.stdout, REF));
    expect(stops(b.stderr, FLO)).toEqual(stops(a.stderr, REF));
    if (flags.includes('--exit-code-from')) expect(b.stderr).toContain('using --exit-code-from implies --abort-on-container-exit');
  });

  it('Ctrl+C once stops gracefully and exits 0', async () => {
    const results: Run[] = [];
    for (const [run, project] of [[ref, REF], [flo, FLO]] as const) {
      const p = run(['up', 'web']);
      await p.until('stdout', /web ready/);
      p.signal('SIGINT');
      results.push(await p.done);
      expect(shape(results.at(-1)!.stdout, project).rest).toContain('Gracefully stopping... (press Ctrl+C again to force)');
    }
    const [a, b] = results;
    expect(b.code, b.stderr).toBe(a.code);
    expect(shape(b.stdout, FLO)).toEqual(shape(a.stdout, REF));
    expect(stops(b.stderr, FLO)).toEqual(stops(a.stderr, REF));
    expect(await containersOf(FLO, false)).toEqual([]);
  });

  it('Ctrl+C twice kills what ignores SIGTERM and exits 2', async () => {
    const results: Run[] = [];
    for (const run of [ref, flo]) {
      const p = run(['up', 'stubborn']);
      await p.until('stdout', /stubborn ready/);
      p.signal('SIGINT');
      await p.until('stderr', /Stopping \S+ \.\.\. ?\r?\n/);
      p.signal('SIGINT');
      results.push(await p.done);
    }
    const [a, b] = results;
    expect(a.code).toBe(2);
    expect(b.code, b.stderr).toBe(2);
    expect(shape(b.stdout, FLO)).toEqual(shape(a.stdout, REF));
    expect(stops(b.stderr, FLO)).toEqual(stops(a.stderr, REF));
    await eventually(async () => (await containersOf(FLO)).length === 0, 'the killed container removed by the cluster');
  });

  const ids = async (service: string) =>
    (await containersOf(FLO, false)).filter((c) => c.Labels['com.docker.compose.service'] === service).map((c) => c.Id);

  it('--force-recreate replaces unchanged containers; --no-recreate keeps changed ones; a plain up keeps what did not change', async () => {
    expect((await flotilla(['compose', '-f', FILE, '-p', FLO, 'up', '-d', 'web'], env)).code).toBe(0);
    const first = await ids('web');
    expect(first).toHaveLength(1);
    const forced = await flotilla(['compose', '-f', FILE, '-p', FLO, 'up', '-d', '--force-recreate', 'web'], env);
    expect(forced.code, forced.stderr).toBe(0);
    const second = await eventually(async () => {
      const now = await ids('web');
      return now.length === 1 && now[0] !== first[0] && now;
    }, 'web recreated');
    // An earlier --force-recreate is no change for the next plain up.
    const plain = await flotilla(['compose', '-f', FILE, '-p', FLO, 'up', '-d', 'web'], env);
    expect(plain.stderr).toMatch(/is up-to-date/);
    const kept = await flotilla(['compose', '-f', FILE, '-p', FLO, 'up', '-d', '--no-recreate', 'web'], { ...env, WEB_VERSION: '2' });
    expect(kept.code, kept.stderr).toBe(0);
    expect(kept.stderr).toMatch(/is up-to-date/);
    expect(await ids('web')).toEqual(second);
  });

  it('--no-deps starts only the named service', async () => {
    const r = await flotilla(['compose', '-f', FILE, '-p', FLO, 'up', '-d', '--no-deps', 'job'], env);
    expect(r.code, r.stderr).toBe(0);
    const services = new Set((await containersOf(FLO)).map((c) => c.Labels['com.docker.compose.service']));
    expect([...services]).toEqual(['job']);
  });

  it("refuses flags in 1.29's words, before touching the cluster", async () => {
    for (const [flags, code] of [
      [['-d', '--abort-on-container-exit'], 1],
      [['--force-recreate', '--no-recreate'], 1],
      [['--exit-code-from', 'nope'], 2],
    ] as const) {
      const a = await ref(['up', ...flags]).done;
      const b = await flo(['up', ...flags]).done;
      expect(a.code).toBe(code);
      expect(b.code).toBe(code);
      const last = (s: string) => s.trim().split('\n').filter((l) => !/^\d+$/.test(l)).at(-1)!;
      expect(last(b.stderr)).toBe(last(a.stderr));
    }
    expect(await containersOf(FLO)).toEqual([]);
  });
});

describe('compose down --rmi', () => {
  const RMI = join(DIR, 'rmi.yml');
  const P = `tupd${process.pid}`;
  const TAG = `t${process.pid}`;
  let m: ManagerProcess;
  beforeAll(async () => {
    m = await ManagerProcess.create();
  });
  afterAll(async () => {
    await m?.destroy();
    await purgeProject(P);
    for (const ref of [`${P}_app`, `flotilla-up-fixture-tagged:${TAG}`]) await docker.getImage(ref).remove().catch(() => undefined);
  });
  const has = (ref: string) => docker.getImage(ref).inspect().then(() => true, () => false);

  it('local removes the built <project>_app image and keeps the one named by image:', async () => {
    const env = { ...m.cliEnv, TAG };
    const up = await flotilla(['compose', '-f', RMI, '-p', P, 'up', '-d'], env);
    expect(up.code, up.stderr).toBe(0);
    expect(await has(`${P}_app`)).toBe(true);
    const down = await flotilla(['compose', '-f', RMI, '-p', P, 'down', '--rmi', 'local', '-t', '1'], env);
    expect(down.code, down.stderr).toBe(0);
    expect(down.stderr).toContain(`Removing image ${P}_app\n`);
    expect(await has(`${P}_app`)).toBe(false);
    expect(await has(`flotilla-up-fixture-tagged:${TAG}`)).toBe(true);
    expect(await containersOf(P)).toEqual([]);
    // Nothing left to remove: 1.29 warns and succeeds.
    const again = await flotilla(['compose', '-f', RMI, '-p', P, 'down', '--rmi', 'local'], env);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`Image ${P}_app not found.`);
  });

  it('a bad --rmi is refused as 1.29 does', async () => {
    const r = await flotilla(['compose', '-f', RMI, '-p', P, 'down', '--rmi', 'foo'], m.cliEnv);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--rmi flag must be one of: all, local');
  });
});
