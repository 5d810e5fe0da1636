import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flotilla, runCommand } from '../support/cli';
import { docker, eventually } from '../support/docker';
import { ROOT } from '../support/env';
import { freePort } from '../support/ports';

const DIR = `${ROOT}/test/compose/fixtures/push-pull`;
interface Answer {
  exit: number;
  stdout: string;
  stderr: string;
}
const REF = JSON.parse(readFileSync(`${DIR}/docker-compose-1.29.json`, 'utf8')) as Record<string, Answer>;

/**
 * `compose push`/`pull` against a real registry (Debian's docker-registry on a
 * free loopback port, an insecure registry Docker accepts there), compared to
 * what docker-compose 1.29 answered on the same project (record.sh).
 */
describe('compose push / pull with a local registry, as docker-compose 1.29', () => {
  let tmp: string;
  let registry: ChildProcess;
  let port: number;
  const project = `shippp${process.pid}`;
  const env = () => ({ REGISTRY: `localhost:${port}`, UNREACHABLE: 'localhost:1', DOCKER_HOST: '' });
  const f = async (...args: string[]): Promise<Answer> => {
    const r = await flotilla(['compose', '-p', project, ...args], env(), { cwd: DIR });
    const norm = (s: string) => s.replaceAll('\r\n', '\n').replaceAll(`localhost:${port}`, 'localhost:PORT').replace(/sha256:[0-9a-f]{64}/g, 'sha256:DIGEST');
    return { exit: r.code, stdout: norm(r.stdout), stderr: norm(r.stderr) };
  };
  const id = (ref: string) => docker.getImage(ref.replace('PORT', String(port))).inspect().then((i) => i.Id, () => undefined);

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'flotilla-registry-'));
    port = await freePort();
    writeFileSync(`${tmp}/config.yml`, `version: 0.1\nlog:\n  level: error\nstorage:\n  filesystem:\n    rootdirectory: ${tmp}/data\nhttp:\n  addr: 127.0.0.1:${port}\n`);
    registry = spawn('/usr/bin/docker-registry', ['serve', `${tmp}/config.yml`], { stdio: 'ignore' });
    await eventually(() => fetch(`http://127.0.0.1:${port}/v2/`).then((r) => r.ok, () => false), 'the registry answers', 20_000);
    const build = await flotilla(['compose', '-p', project, 'build'], env(), { cwd: DIR });
    expect(build.code, build.stderr).toBe(0);
    expect((await flotilla(['compose', '-p', project, '-f', 'bad.yml', 'build'], env(), { cwd: DIR })).code).toBe(0);
    await docker.getImage('flotilla/busybox:latest').tag({ repo: `localhost:${port}/shipcompose/cache`, tag: 'latest' });
    const push = await runCommand('docker', ['push', '-q', `localhost:${port}/shipcompose/cache:latest`], { env: { ...process.env, DOCKER_HOST: '' } });
    expect(push.code, push.stderr).toBe(0);
  });

  afterAll(async () => {
    registry?.kill('SIGTERM');
    for (const ref of [`localhost:${port}/shipcompose/web:1`, `localhost:${port}/shipcompose/cache:latest`, `localhost:${port}/shipcompose/two:latest`, 'localhost:1/shipcompose/web:1']) {
      await docker.getImage(ref).remove({ noprune: false }).catch(() => undefined);
    }
    rmSync(tmp, { recursive: true, force: true });
  });

  it.each(['push', '-f bad.yml push', '-f bad.yml push --ignore-push-failures'])('%s: the same lines and exit code', async (cmd) => {
    expect(await f(...cmd.split(' '))).toEqual(REF[cmd]);
  });

  it('push nosuch: the same words and exit code', async () => {
    expect(await f('push', 'nosuch')).toEqual(REF['push nosuch']);
  });

  /**
   * A pull's progress lines depend on which layers the engine has and on the
   * interleaving of parallel pulls; what must match is the first line of each
   * service (in order), its last one (done / error), the lines after them and the exit code.
   */
  const summary = (a: Answer) => {
    const lines = a.stderr.split('\n');
    const pulling = lines.filter((l) => l.startsWith('Pulling '));
    const name = (l: string) => /^Pulling (\S+)/.exec(l)![1];
    const first = [...new Map(pulling.map((l) => [name(l), l])).keys()].map((n) => pulling.find((l) => name(l) === n));
    const last = Object.fromEntries(pulling.map((l) => [name(l), l]));
    return { exit: a.exit, stdout: a.stdout, first, last, rest: lines.filter((l) => !l.startsWith('Pulling ')) };
  };

  it('pull: every service listed, the images pulled under the pushed IDs, the missing one an error, exit 1', async () => {
    const pushed = { web: await id('localhost:PORT/shipcompose/web:1'), cache: await id('localhost:PORT/shipcompose/cache:latest') };
    await docker.getImage(`localhost:${port}/shipcompose/web:1`).remove();
    await docker.getImage(`localhost:${port}/shipcompose/cache:latest`).remove();
    expect(summary(await f('pull'))).toEqual(summary(REF.pull));
    expect({ web: await id('localhost:PORT/shipcompose/web:1'), cache: await id('localhost:PORT/shipcompose/cache:latest') }).toEqual(pushed);
  });

  it.each(['pull -q', 'pull web cache', 'pull nosuch'])('%s: as 1.29', async (cmd) => {
    const r = await f(...cmd.split(' '));
    const ref = REF[cmd];
    if (cmd === 'pull nosuch') expect(r).toEqual(ref);
    else expect(summary(r)).toEqual(summary(ref));
  });

  it('pull --ignore-pull-failures: as 1.29.2, which drops the flag in its default parallel mode (exit 1)', async () => {
    const ref = summary(REF['pull --ignore-pull-failures']);
    expect(ref.exit).toBe(1);
    expect(summary(await f('pull', '--ignore-pull-failures'))).toEqual(ref);
  });
});
