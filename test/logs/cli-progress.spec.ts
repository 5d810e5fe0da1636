import { readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManagerProcess } from '../support/manager';
import { purgeProject, purgeService } from '../support/docker';
import { flotilla, runCommand } from '../support/cli';
import { CLI, ROOT } from '../support/env';
import { finalScreen } from '../support/terminal';

const golden = (name: string) => readFileSync(join(ROOT, 'apps/cli/src/progress/testdata', `docker-${name}.golden`), 'utf8');

describe('flotilla CLI progress, next to docker’s', () => {
  let m: ManagerProcess;
  const svc = `lgp${process.pid}`;
  const f = (...args: string[]) => flotilla(args, m.cliEnv);
  const dir = mkdtempSync(join(tmpdir(), 'flotilla-progress-'));

  beforeAll(async () => {
    m = await ManagerProcess.create();
  });
  afterAll(async () => {
    await f('service', 'rm', svc);
    await f('stack', 'rm', `${svc}st`);
    await m?.destroy();
    // The manager goes before its worker has stopped what the rm asked for.
    for (const name of [svc, `${svc}st_a`]) await purgeService(name);
    await purgeProject(`${svc}st`);
    rmSync(dir, { recursive: true, force: true });
  });

  it('service create, piped: the id alone on stdout, docker’s plain progress lines on stderr', async () => {
    const c = await f('service', 'create', '--name', svc, '--replicas', '2', 'flotilla/hello:latest');
    expect(c.code, c.stderr).toBe(0);
    const id = c.stdout.trim();
    expect(id).toMatch(/^[a-z0-9]{25}$/);
    const lines = c.stderr.split('\n');
    // As docker printed it (testdata/docker-stack-wait-plain.golden): empty slots first, converged last.
    expect(lines.slice(0, 3)).toEqual(['overall progress: 0 out of 2 tasks', '1/2:  ', '2/2:  ']);
    expect(lines.slice(-3)).toEqual(['overall progress: 2 out of 2 tasks', `verify: Service ${id} converged`, '']);
    const docker = new Set(golden('stack-wait-plain').split('\n').filter((l) => l.startsWith('overall progress')));
    for (const l of lines.filter((x) => x.startsWith('overall progress'))) expect(docker).toContain(l);
  });

  it('service scale on a terminal ends on the screen docker ends on', async () => {
    const out = join(dir, 'scale.tty');
    const r = await runCommand('script', ['-q', '-c', `stty cols 160; ${process.execPath} ${CLI} service scale ${svc}=5`, out], { env: { ...process.env, ...m.cliEnv } });
    expect(r.code, r.stdout).toBe(0);
    const text = readFileSync(out, 'utf8');
    const screen = finalScreen(text.slice(text.indexOf('\n') + 1, text.lastIndexOf('\nScript done')));
    expect(screen).toBe(golden('scale-tty').replaceAll('web', svc));
  });

  it('-q: no progress at all', async () => {
    const r = await f('service', 'scale', '-q', `${svc}=1`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${svc} scaled to 1\n`);
    expect(r.stderr).toBe('');
  });

  it('stack deploy --detach=false waits for each service, as docker does', async () => {
    const file = join(dir, 'stack.yml');
    writeFileSync(file, 'version: "3.8"\nservices:\n  a:\n    image: flotilla/hello:latest\n    deploy:\n      replicas: 2\n');
    const r = await f('stack', 'deploy', '--detach=false', '-c', file, `${svc}st`);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe(`Creating service ${svc}st_a\n`);
    const id = (await f('service', 'inspect', `${svc}st_a`)).stdout.match(/"ID": "([a-z0-9]{25})"/)![1];
    expect(r.stderr.split('\n').slice(-3)).toEqual(['overall progress: 2 out of 2 tasks', `verify: Service ${id} converged`, '']);
  });
});
