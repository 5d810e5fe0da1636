import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { flotilla, runCommand } from '../support/cli';
import { containersOf, docker, eventually, purgeProject } from '../support/docker';
import { DOCKER_HOST, ROOT } from '../support/env';
import { ManagerProcess } from '../support/manager';

/**
 * compose build / up --build / up --no-build, side by side with docker-compose 1.29 on the same
 * project and engine (its classic /build path, COMPOSE_DOCKER_CLI_BUILD=0, the one flotilla uses).
 * What 1.29 answered when this was written is kept in fixtures/build/docker-compose-1.29.json.
 */
const DIR = join(ROOT, 'test/compose/fixtures/build');
const recorded = JSON.parse(readFileSync(join(DIR, 'docker-compose-1.29.json'), 'utf8')) as Record<string, { stderr?: string; lines?: string[] }>;
const fl = `tbuild${process.pid}`;
const dc = `tbuilddc${process.pid}`;
const env = { FROM_ENV: 'envval', COMPOSE_DOCKER_CLI_BUILD: '0', DOCKER_HOST };

const compose = (project: string, args: string[]) => runCommand('docker-compose', ['-p', project, ...args], { cwd: DIR, env: { ...process.env, ...env } });
const lastLine = (s: string) => s.trim().split('\n').pop()!;

/** Runs a throwaway container of an image and returns what it printed. */
async function runIn(image: string, cmd: string): Promise<string> {
  const r = await runCommand('docker', ['run', '--rm', image, 'sh', '-c', cmd], { env: { ...process.env, DOCKER_HOST } });
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

describe('compose build: the same images and words as docker-compose 1.29', () => {
  let m: ManagerProcess;
  const cli = (args: string[], project = fl) => flotilla(['compose', '-p', project, ...args], { ...m.cliEnv, ...env }, { cwd: DIR, timeoutMs: 300_000 });

  let started = 0;

  beforeAll(async () => {
    started = Math.floor(Date.now() / 1000) - 1;
    m = await ManagerProcess.create();
  });
  afterAll(async () => {
    await cli(['down']).catch(() => undefined);
    await m?.destroy();
    await purgeProject(fl);
    await purgeProject(dc);
    for (const img of [`${fl}_web`, `${dc}_web`, `${fl}_bad`]) await docker.getImage(img).remove({ force: true }).catch(() => undefined);
    // A failed classic build keeps its failed step's container (1.29 does not ask for forcerm, nor does
    // flotilla): this file's three failures of fixtures/build/bad, nothing else's.
    const failed = await docker.listContainers({ all: true, filters: { status: ['exited'] } });
    for (const c of failed.filter((x) => x.Command === "/bin/sh -c 'exit 3'" && x.Created >= started)) {
      await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    }
  });

  it('builds <project>_<service> with args, target, labels, extra_hosts and shm_size applied and .dockerignore honoured, as 1.29', async () => {
    const [f, d] = [await cli(['build', 'web', 'plain']), await compose(dc, ['build', 'web', 'plain'])];
    expect(f.code, f.stderr).toBe(0);
    expect(d.code, d.stderr).toBe(0);
    // Skips first, then the build, its daemon output on stdout.
    expect(f.stderr.split('\n').slice(0, 2)).toEqual(['plain uses an image, skipping', 'Building web']);
    expect(f.stdout).toContain('Step 1/9 : FROM flotilla/busybox:latest AS base');
    expect(f.stdout).toContain('Step 9/9 : LABEL org.flotilla.fixture=build');
    expect(f.stdout).toContain(`Successfully tagged ${fl}_web:latest`);
    const steps = (s: string) => s.split('\n').filter((l) => l.startsWith('Step '));
    expect(steps(f.stdout)).toEqual(steps(d.stdout));

    const greeting = await runIn(`${fl}_web`, 'cat /greeting');
    expect(greeting).toBe('hello-from-args envval\n');
    expect(greeting).toBe(await runIn(`${dc}_web`, 'cat /greeting'));
    // `- EMPTY_ARG` with no value, unset: sent as '' (the ARG's default is not used), as 1.29 sends it.
    const emptyArg = await runIn(`${fl}_web`, 'cat /empty-arg');
    expect(emptyArg).toBe('[]\n');
    expect(emptyArg).toBe(await runIn(`${dc}_web`, 'cat /empty-arg'));
    // extra_hosts and shm_size reached the build's RUN containers.
    const buildEnv = await runIn(`${fl}_web`, 'cat /buildhost /shm');
    expect(buildEnv).toBe('10.9.9.9\tbuildhost\n32768\n'); // 32m, not Docker's default 64m
    expect(buildEnv).toBe(await runIn(`${dc}_web`, 'cat /buildhost /shm'));
    const files = await runIn(`${fl}_web`, 'cd /ctx && find . -type f | sort');
    expect(files).not.toMatch(/secret\.txt|a\.log/);
    expect(files).toMatch(/logs\/keep\.log/);
    expect(files).toBe(await runIn(`${dc}_web`, 'cd /ctx && find . -type f | sort'));
    const labels = (await docker.getImage(`${fl}_web`).inspect()).Config.Labels;
    expect(labels['org.flotilla.fixture']).toBe('build');
  });

  it('an unknown service fails naming it, as 1.29', async () => {
    const [f, d] = [await cli(['build', 'nosuch']), await compose(dc, ['build', 'nosuch'])];
    expect(d.code).toBe(1);
    expect(f.code).toBe(1);
    expect(f.stderr).toBe(d.stderr);
    expect(f.stderr).toBe('No such service: nosuch\n');
    expect(lastLine(f.stderr)).toBe(lastLine(d.stderr));
  });

  it('a failing Dockerfile names the step and the service and exits non-zero, as 1.29', async () => {
    const [f, d] = [await cli(['-f', 'fail.yml', 'build', 'bad']), await compose(dc, ['-f', 'fail.yml', 'build', 'bad'])];
    expect(d.code).toBe(1);
    expect(f.code).toBe(1);
    expect(f.stdout).toContain('Step 3/3 : RUN exit 3');
    expect(lastLine(f.stderr)).toBe(recorded['-f fail.yml build bad'].stderr);
    expect(lastLine(f.stderr)).toBe(lastLine(d.stderr));
  });

  it('a missing build context is refused before anything runs, in 1.29\'s words', async () => {
    const [f, d] = [await cli(['-f', 'missing.yml', 'build']), await compose(dc, ['-f', 'missing.yml', 'build'])];
    expect(d.code).toBe(1);
    expect(f.code).toBe(1);
    expect(lastLine(f.stderr)).toBe(`build path ${join(DIR, 'nowhere')} either does not exist, is not accessible, or is not a valid URL.`);
    expect(lastLine(f.stderr)).toBe(lastLine(d.stderr));
  });

  it('an engine that does not answer is one line naming DOCKER_HOST (1.29 prints a traceback)', async () => {
    const r = await flotilla(['compose', '-p', fl, 'build', 'web'], { ...env, DOCKER_HOST: 'unix:///nonexistent/docker.sock' }, { cwd: DIR });
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe("Couldn't connect to Docker daemon at unix:///nonexistent/docker.sock - is it running? (ENOENT)");
  });

  it('up -d with a failing build deploys nothing', async () => {
    const r = await cli(['-f', 'fail.yml', 'up', '-d']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Building bad');
    expect(lastLine(r.stderr)).toBe(recorded['-f fail.yml up -d'].stderr);
    await expectNothingDeployed();
  });

  it('up -d --no-build on a missing image fails as 1.29 and deploys nothing', async () => {
    const r = await cli(['-f', 'fail.yml', 'up', '-d', '--no-build']);
    expect(r.code).toBe(1);
    expect(r.stderr).not.toContain('Building');
    expect(lastLine(r.stderr)).toBe(recorded['-f fail.yml up -d --no-build'].stderr);
    await expectNothingDeployed();
  });

  it('up --build --no-build is refused, as 1.29', async () => {
    const [f, d] = [await cli(['up', '-d', '--build', '--no-build']), await compose(dc, ['up', '-d', '--build', '--no-build'])];
    expect(d.code).toBe(1);
    expect(f.code).toBe(1);
    expect(lastLine(f.stderr)).toBe('--build and --no-build can not be combined.');
    expect(lastLine(f.stderr)).toBe(lastLine(d.stderr));
    await expectNothingDeployed();
  });

  it('up -d builds a missing image and starts it; a second up does not rebuild; --build does', async () => {
    await docker.getImage(`${fl}_web`).remove({ force: true }).catch(() => undefined);
    const r = await cli(['up', '-d', 'web']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Building web');
    expect(r.stderr).toContain(
      'Image for service web was built because it did not already exist. To rebuild this image you must use `docker-compose build` or `docker-compose up --build`.',
    );
    const c = await eventually(async () => (await containersOf(fl, false)).find((x) => x.Labels['com.docker.compose.service'] === 'web'), 'the web container');
    expect(c.Image).toBe(`${fl}_web`);
    const logs = await eventually(async () => {
      const l = (await docker.getContainer(c.Id).logs({ stdout: true, stderr: true })).toString();
      return l.includes('hello-from-args') && l;
    }, 'the greeting in the logs');
    expect(logs).toContain('hello-from-args envval');

    const again = await cli(['up', '-d', 'web']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).not.toContain('Building');
    const forced = await cli(['up', '-d', '--build', 'web']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toContain('Building web');
    expect(forced.stderr).not.toContain('because it did not already exist');
  });

  async function expectNothingDeployed() {
    expect(await containersOf(fl)).toHaveLength(0);
    const stack = (await fetch(`http://${m.host}/flotilla/v1/stacks/${fl}`).then((x) => x.json())) as { services: unknown[] };
    expect(stack.services).toEqual([]);
  }
});
