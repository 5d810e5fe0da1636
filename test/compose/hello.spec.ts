import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { flotilla } from '../support/cli';
import { containersOf, eventually, networksOf, purgeProject } from '../support/docker';
import { EXAMPLES, REDIS_URL } from '../support/env';
import { httpGet } from '../support/http';
import { ManagerProcess } from '../support/manager';
import { freePort } from '../support/ports';

const project = `thello${process.pid}`;
const file = `${EXAMPLES}/hello/docker-compose.yml`;

describe('compose-examples/hello on a real engine', () => {
  let m: ManagerProcess;
  let port: number;
  let env: Record<string, string>;
  const run = (...args: string[]) => flotilla(['compose', '-f', file, '-p', project, ...args], env);
  const running = async () => (await containersOf(project, false)).filter((c) => c.State === 'running');

  beforeAll(async () => {
    await purgeProject(project);
    m = await ManagerProcess.create();
    port = await freePort();
    env = { ...m.cliEnv, HELLO_PUBLISH: `${port}:80` };
  });
  afterAll(async () => {
    await run('down', '-v').catch(() => undefined);
    await m?.destroy();
    await purgeProject(project);
  });

  it('up -d starts 3 replicas with Docker labels, reachable through the published port', async () => {
    const r = await run('up', '-d');
    expect(r.stderr + r.stdout).not.toMatch(/ERROR/);
    expect(r.code).toBe(0);
    const cs = await running();
    expect(cs).toHaveLength(3);
    for (const c of cs) {
      expect(c.Labels['com.docker.compose.project']).toBe(project);
      expect(c.Labels['com.docker.compose.service']).toBe('web');
      expect(c.Labels['com.docker.swarm.service.name']).toBe(`${project}_web`);
      expect(c.Labels['com.docker.swarm.task.id']).toMatch(/^[a-z0-9]{25}$/);
      expect(c.Labels['com.docker.swarm.node.id']).toMatch(/^[a-z0-9]{25}$/);
    }
    // The ingress proxy spreads connections: all three replicas answer with their own hostname.
    const seen = new Set<string>();
    for (let i = 0; i < 12 && seen.size < 3; i++) {
      const { status, body } = await eventually(() => httpGet(`http://127.0.0.1:${port}/`), 'hello answers');
      expect(status).toBe(200);
      expect(body).toMatch(/Hello from /);
      seen.add(body.trim());
    }
    expect(seen.size).toBe(3);
  });

  it('ps shows the three running containers', async () => {
    const r = await run('ps');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/Name\s+Command\s+State\s+Ports/);
    expect(lines[1]).toMatch(/^-+$/);
    const rows = lines.slice(2);
    expect(rows).toHaveLength(3);
    for (const [i, row] of rows.entries()) {
      expect(row).toMatch(new RegExp(`^${project}_web_${i + 1}\\s+.*\\sUp\\s+0\\.0\\.0\\.0:${port}->80/tcp,:::${port}->80/tcp\\s*$`));
    }
    const q = await run('ps', '-q');
    expect(q.stdout.trim().split('\n').sort()).toEqual((await running()).map((c) => c.Id).sort());
  });

  it('a second up changes nothing', async () => {
    const before = (await running()).map((c) => c.Id).sort();
    const r = await run('up', '-d');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/is up-to-date/);
    expect((await running()).map((c) => c.Id).sort()).toEqual(before);
  });

  it('--scale converges up and down, keeping the surviving containers', async () => {
    const before = (await running()).map((c) => c.Id);
    expect((await run('up', '-d', '--scale', 'web=5')).code).toBe(0);
    const five = await running();
    expect(five).toHaveLength(5);
    for (const id of before) expect(five.map((c) => c.Id)).toContain(id);
    expect((await run('up', '-d', '--scale', 'web=2')).code).toBe(0);
    await eventually(async () => (await running()).length === 2, 'scale down to 2');
  });

  it('logs shows each container prefixed by its name', async () => {
    await httpGet(`http://127.0.0.1:${port}/`).catch(() => undefined);
    const r = await run('logs', '--tail', '50', 'web');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^web_\d+\s+\| hello: [0-9a-f]{12} serving on :80$/m);
  });

  it('down removes every container and network, and leaves no queue job behind', async () => {
    const r = await run('down');
    expect(r.code).toBe(0);
    expect(await containersOf(project)).toHaveLength(0);
    expect(await networksOf(project)).toHaveLength(0);
    const nodeId = readFileSync(join(m.dataDir, 'worker', 'node-id'), 'utf8').trim();
    const redis = new Redis(REDIS_URL);
    try {
      const q = `flotilla:node-${nodeId}`;
      // A doorbell rung as down's last changes commit may still be on its way through the queue (rings
      // are paced 25 ms apart): every list has to empty, not be empty at one instant.
      const pending = async () => (await redis.llen(`${q}:active`)) + (await redis.llen(`${q}:wait`)) + (await redis.zcard(`${q}:delayed`)) + (await redis.zcard(`${q}:prioritized`));
      await eventually(async () => (await pending()) === 0, 'no job active, waiting, delayed or prioritized');
      expect(await redis.zcard(`${q}:failed`)).toBe(0);
      // Completed jobs are removed, so no job hash is left either.
      expect((await redis.keys(`${q}:a-*`)).length).toBe(0);
    } finally {
      redis.disconnect();
    }
  });
});
