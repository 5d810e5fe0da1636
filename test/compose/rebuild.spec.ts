import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flotilla, runCommand } from '../support/cli';
import { containersOf, docker, eventually, purgeProject } from '../support/docker';
import { DOCKER_HOST } from '../support/env';
import { ManagerProcess } from '../support/manager';

/**
 * Edit, `up --build`, and the new code runs: side by side with docker-compose 1.29 on one project
 * whose image changes with a build arg. A rebuilt image recreates the container (1.29's config hash
 * holds the image ID; flotilla labels the container with it), an unchanged one leaves it be, and the
 * old container has stopped before the new one starts (stop-first, as 1.29 recreates: its container
 * takes 2 s to stop, so a new one started alongside would show).
 */
const DOCKERFILE = 'FROM flotilla/busybox:latest\nARG V\nRUN echo "$V" > /v\nCMD ["sh", "-c", "trap \\"sleep 2; exit 0\\" TERM; cat /v; sleep 100000 & wait"]\n';
const COMPOSE = 'version: "3.8"\nservices:\n  web:\n    build:\n      context: .\n      args:\n        V: ${V}\n';
const fl = `trebuild${process.pid}`;
const dc = `trebuilddc${process.pid}`;

describe('compose up --build after an edit: the new image runs, as docker-compose 1.29', () => {
  let m: ManagerProcess;
  let dir: string;
  const run = (tool: 'flotilla' | '1.29', args: string[], v: string) => {
    const env = { V: v, COMPOSE_DOCKER_CLI_BUILD: '0', DOCKER_HOST };
    return tool === 'flotilla'
      ? flotilla(['compose', '-p', fl, ...args], { ...m.cliEnv, ...env }, { cwd: dir, timeoutMs: 180_000 })
      : runCommand('docker-compose', ['-p', dc, ...args], { cwd: dir, env: { ...process.env, ...env }, timeoutMs: 180_000 });
  };
  const project = (tool: 'flotilla' | '1.29') => (tool === 'flotilla' ? fl : dc);
  /** The running web container: its ID and what its image says. */
  const web = async (tool: 'flotilla' | '1.29') => {
    const c = await eventually(async () => (await containersOf(project(tool), false)).find((x) => x.Labels['com.docker.compose.service'] === 'web'), 'the web container');
    const out = await runCommand('docker', ['exec', c.Id, 'cat', '/v'], { env: { ...process.env, DOCKER_HOST } });
    return { id: c.Id, v: out.stdout.trim() };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'flotilla-rebuild-'));
    writeFileSync(join(dir, 'Dockerfile'), DOCKERFILE);
    writeFileSync(join(dir, 'docker-compose.yml'), COMPOSE);
    m = await ManagerProcess.create();
  });
  afterAll(async () => {
    await run('flotilla', ['down', '-t', '0'], 'x').catch(() => undefined);
    await run('1.29', ['down', '-t', '0'], 'x').catch(() => undefined);
    await m?.destroy();
    await purgeProject(fl);
    await purgeProject(dc);
    for (const img of [`${fl}_web`, `${dc}_web`]) await docker.getImage(img).remove({ force: true }).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(['1.29', 'flotilla'] as const)('%s: up, up again (up-to-date), then up --build of an edit recreates onto the new image, the old stopped first', async (tool) => {
    const p = project(tool);
    const first = await run(tool, ['up', '-d'], 'one');
    expect(first.code, first.stderr).toBe(0);
    const a = await web(tool);
    expect(a.v).toBe('one');

    const again = await run(tool, ['up', '-d'], 'one');
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`${p}_web_1 is up-to-date`);
    expect((await web(tool)).id).toBe(a.id);

    const since = Math.floor(Date.now() / 1000) - 1;
    const rebuilt = await run(tool, ['up', '-d', '--build'], 'two');
    expect(rebuilt.code, rebuilt.stderr).toBe(0);
    expect(rebuilt.stderr).toContain(`Recreating ${p}_web_1 ... done`);
    const b = await eventually(async () => {
      const w = await web(tool);
      return w.id !== a.id && w;
    }, 'the recreated container');
    expect(b.v).toBe('two');

    // The old container died before the new one started.
    const events = await runCommand(
      'docker',
      ['events', '--since', String(since), '--until', String(Math.ceil(Date.now() / 1000) + 1), '--filter', `label=com.docker.compose.project=${p}`, '--filter', 'type=container', '--format', '{{.Action}} {{.TimeNano}} {{.Actor.ID}}'],
      { env: { ...process.env, DOCKER_HOST } },
    );
    const at = (action: string, id: string) => events.stdout.split('\n').map((l) => l.split(' ')).find(([x, , c]) => x === action && c === id)?.[1];
    const died = at('die', a.id);
    const started = at('start', b.id);
    expect(died, events.stdout).toBeDefined();
    expect(started, events.stdout).toBeDefined();
    expect(BigInt(died!)).toBeLessThan(BigInt(started!));
  });
});
