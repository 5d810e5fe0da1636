import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flotilla, runCommand } from '../support/cli';
import { containersOf, purgeProject } from '../support/docker';
import { CLI, DOCKER_HOST, EXAMPLES, REDIS_URL } from '../support/env';
import { ManagerProcess } from '../support/manager';
import { freePort } from '../support/ports';

const project = `terr${process.pid}`;

describe('bad input and unreachable dependencies: one line, non-zero exit, nothing deployed', () => {
  let m: ManagerProcess;
  let dir: string;
  beforeAll(async () => {
    m = await ManagerProcess.create();
    dir = mkdtempSync(join(tmpdir(), 'flotilla-err-'));
  });
  afterAll(async () => {
    await m?.destroy();
    rmSync(dir, { recursive: true, force: true });
    // 1.29's `create`/`up` of an unknown service leave the project's default network behind.
    await purgeProject(`${project}d`);
    await purgeProject(project);
  });

  const oneLine = (s: string) => s.trim().split('\n').filter((l) => !l.startsWith('WARNING')).length === 1;

  it('missing compose file', async () => {
    const r = await flotilla(['compose', '-f', join(dir, 'nope.yml'), '-p', project, 'up', '-d'], m.cliEnv);
    expect(r.code).not.toBe(0);
    expect(oneLine(r.stderr)).toBe(true);
    expect(r.stderr).toMatch(/nope\.yml/);
    expect(await containersOf(project)).toHaveLength(0);
  });

  it('invalid compose file names file, line and column', async () => {
    const f = join(dir, 'bad.yml');
    writeFileSync(f, 'version: "3.8"\nservices:\n  web:\n    imagee: flotilla/busybox:latest\n');
    const r = await flotilla(['compose', '-f', f, '-p', project, 'up', '-d'], m.cliEnv);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/bad\.yml:4:\d+/);
    expect(r.stderr).toMatch(/imagee/);
    expect(await containersOf(project)).toHaveLength(0);
    const stack = (await fetch(`http://${m.host}/flotilla/v1/stacks/${project}`).then((x) => x.json())) as { services: unknown[] };
    expect(stack.services).toEqual([]);
  });

  it('a restart condition 1.29 loads but Swarm lacks: config accepts it, up refuses it in 1.29 words, nothing deployed', async () => {
    const f = join(dir, 'on_failure.yml');
    writeFileSync(f, 'version: "3.8"\nservices:\n  web:\n    image: flotilla/busybox:latest\n    deploy:\n      restart_policy:\n        condition: on_failure\n');
    expect((await flotilla(['compose', '-f', f, '-p', project, 'config', '-q'], m.cliEnv)).code).toBe(0);
    const r = await flotilla(['compose', '-f', f, '-p', project, 'up', '-d'], m.cliEnv);
    expect(r.code).not.toBe(0);
    expect(oneLine(r.stderr)).toBe(true);
    expect(r.stderr).toMatch(/Service web: Invalid restart policy "on_failure"/);
    expect(await containersOf(project)).toHaveLength(0);
    const stack = (await fetch(`http://${m.host}/flotilla/v1/stacks/${project}`).then((x) => x.json())) as { services: unknown[] };
    expect(stack.services).toEqual([]);
  });

  it('unknown service', async () => {
    const r = await flotilla(['compose', '-f', `${EXAMPLES}/hello/docker-compose.yml`, '-p', project, 'up', '-d', 'nosuch'], m.cliEnv);
    expect(r.code).not.toBe(0);
    // Piped, 1.29 logs the message alone (its `ERROR: ` prefix is for a terminal: below).
    expect(r.stderr).toBe('No such service: nosuch\n');
    expect(await containersOf(project)).toHaveLength(0);
  });

  it('on a terminal, errors start with a red ERROR: as 1.29\'s (unknown service: the same bytes; a bad file)', async () => {
    const bad = join(dir, 'tty-bad.yml');
    writeFileSync(bad, 'services:\n  web:\n    imagee: x\n');
    const hello = `${EXAMPLES}/hello/docker-compose.yml`;
    const onTty = (cmd: string) => runCommand('script', ['-qec', cmd, '/dev/null'], { env: { ...process.env, ...m.cliEnv } });
    const fl = (file: string, verb: string) => onTty(`${process.execPath} ${CLI} compose -f ${file} -p ${project} ${verb}`);
    const dc = (file: string, verb: string) => onTty(`docker-compose -f ${file} -p ${project}d ${verb}`);
    const [flUnknown, dcUnknown] = [await fl(hello, 'ps nosuch'), await dc(hello, 'ps nosuch')];
    expect(dcUnknown.stdout).toBe('\x1b[31mERROR\x1b[0m: No such service: nosuch\r\n');
    expect({ out: flUnknown.stdout, code: flUnknown.code }).toEqual({ out: dcUnknown.stdout, code: dcUnknown.code });
    const [flBad, dcBad] = [await fl(bad, 'config'), await dc(bad, 'config')];
    expect(dcBad.stdout.startsWith('\x1b[31mERROR\x1b[0m: ')).toBe(true);
    expect(flBad.stdout.startsWith('\x1b[31mERROR\x1b[0m: ')).toBe(true);
    expect(flBad.code).toBe(dcBad.code);
    // Piped, neither prefixes a bad file's error.
    const piped = await flotilla(['compose', '-f', bad, '-p', project, 'config'], m.cliEnv);
    expect(piped.stderr).not.toMatch(/ERROR/);
    expect((await runCommand('docker-compose', ['-f', bad, '-p', `${project}d`, 'config'])).stderr).not.toMatch(/ERROR/);
  });

  // Every verb that takes a service, next to docker-compose 1.29 on the same file: the same exit code and
  // the same last line. Not `events`: 1.29 does not check its service names (it streams, forever, every
  // event of the project); flotilla refuses an unknown one like every other verb.
  it.each([
    ['build'], ['create'], ['exec', '-T'], ['images'], ['kill'], ['logs'], ['pause'], ['ps'], ['pull'], ['push'], ['restart'],
    ['rm', '-f'], ['run', '--rm', '-T'], ['start'], ['stop'], ['top'], ['unpause'], ['up', '-d'],
  ])('unknown service on %s: 1.29\'s message and exit code, nothing deployed', async (verb, ...flags) => {
    const file = join(__dirname, 'fixtures', 'whole-project', 'docker-compose.yml');
    const tail = verb === 'exec' || verb === 'run' ? ['true'] : [];
    // Piped, neither prints `ERROR: ` (1.29 logs the level on a terminal only).
    const last = (s: string) => s.trim().split('\n').at(-1)!;
    const want = await runCommand('docker-compose', ['-f', file, '-p', `${project}d`, verb, ...flags, 'nosuch', ...tail]);
    const r = await flotilla(['compose', '-f', file, '-p', project, verb, ...flags, 'nosuch', ...tail], m.cliEnv);
    if (verb === 'exec') {
      // 1.29's exec says nothing at all (exit 1) for a service it does not know; flotilla names it.
      expect(want.stderr.trim()).toBe('');
      expect(r.code).toBe(want.code);
    } else expect({ code: r.code, last: last(r.stderr) }).toEqual({ code: want.code, last: last(want.stderr) });
    expect(last(r.stderr)).toBe('No such service: nosuch');
    expect(await containersOf(project)).toHaveLength(0);
  });

  it('unknown service on scale and port: 1.29\'s message and exit code', async () => {
    const file = join(__dirname, 'fixtures', 'whole-project', 'docker-compose.yml');
    for (const args of [['scale', 'nosuch=1'], ['port', 'nosuch', '80'], ['config', '--hash', 'nosuch']]) {
      const want = await runCommand('docker-compose', ['-f', file, '-p', `${project}d`, ...args]);
      const r = await flotilla(['compose', '-f', file, '-p', project, ...args], m.cliEnv);
      const last = (s: string) => s.trim().split('\n').at(-1)!;
      expect({ args, code: r.code, last: last(r.stderr) }).toEqual({ args, code: want.code, last: last(want.stderr) });
    }
  });

  it('a named manager that does not answer', async () => {
    const port = await freePort();
    const r = await flotilla(['compose', '-f', `${EXAMPLES}/hello/docker-compose.yml`, '-p', project, 'ps'], {
      FLOTILLA_HOST: `127.0.0.1:${port}`,
    });
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toBe(`cannot reach the flotilla manager at 127.0.0.1:${port} (FLOTILLA_HOST)`);
  });

  async function autostart(env: Record<string, string>) {
    const state = mkdtempSync(join(tmpdir(), 'flotilla-state-'));
    try {
      return await flotilla(['compose', '-f', `${EXAMPLES}/hello/docker-compose.yml`, '-p', project, 'up', '-d'], {
        FLOTILLA_HOST: '',
        FLOTILLA_LOCAL_ADDR: `127.0.0.1:${await freePort()}`,
        XDG_STATE_HOME: state,
        DOCKER_HOST,
        REDIS_URL,
        ...env,
      });
    } finally {
      rmSync(state, { recursive: true, force: true });
    }
  }

  it('unreachable Docker names the socket tried', async () => {
    const r = await autostart({ DOCKER_HOST: 'unix:///nonexistent/docker.sock' });
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toMatch(/^cannot reach Docker at unix:\/\/\/nonexistent\/docker\.sock: .+$/);
    expect(await containersOf(project)).toHaveLength(0);
  });

  it('unreachable Redis names the URL', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const r = await autostart({ REDIS_URL: url });
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim()).toMatch(new RegExp(`^cannot reach Redis at ${url}: .+$`));
    expect(await containersOf(project)).toHaveLength(0);
  });
});
