import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker, eventually, purgeService } from '../support/docker';
import { dockerCli } from '../support/docker-cli';
import { ManagerProcess } from '../support/manager';

const svc = `obj${process.pid}`;

describe('networks, secrets and configs with the stock docker CLI', () => {
  let m: ManagerProcess;
  let cwd: string;
  const d = (...args: string[]) => dockerCli(m.host, args, { cwd });

  beforeAll(async () => {
    cwd = mkdtempSync(join(tmpdir(), 'flotilla-objects-'));
    writeFileSync(join(cwd, 'data.txt'), 'hush\n');
    m = await ManagerProcess.create();
  });
  afterAll(async () => {
    await d('service', 'rm', svc);
    await m?.destroy();
    await purgeService(svc);
    rmSync(cwd, { recursive: true, force: true });
  });

  it('a secret never shows its Data; a config does; only labels can change', async () => {
    expect((await d('secret', 'create', '--label', 'a=1', 'sec', 'data.txt')).code).toBe(0);
    expect((await d('config', 'create', 'cfg', 'data.txt')).code).toBe(0);
    const s = JSON.parse((await d('secret', 'inspect', 'sec')).out)[0];
    expect(s.Spec.Data).toBeUndefined();
    expect(s.Spec.Labels).toEqual({ a: '1' });
    const c = JSON.parse((await d('config', 'inspect', 'cfg')).out)[0];
    expect(Buffer.from(c.Spec.Data, 'base64').toString()).toBe('hush\n');
    const dup = await d('secret', 'create', 'sec', 'data.txt');
    expect(dup.code).toBe(1);
    expect(dup.out).toContain('Error response from daemon: rpc error: code = AlreadyExists desc = secret sec already exists');
    const bad = await d('secret', 'create', '-bad', 'data.txt');
    expect(bad.code).not.toBe(0);
    const ls = await d('secret', 'ls', '--filter', 'label=a=1', '--format', '{{.Name}}');
    expect(ls.out.trim()).toBe('sec');
    const r = await fetch(`http://${m.host}/v1.41/secrets/${s.ID}/update?version=${s.Version.Index}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Name: 'sec', Labels: { a: '2' } }),
    });
    expect(r.status).toBe(200);
    expect(JSON.parse((await d('secret', 'inspect', 'sec')).out)[0].Spec.Labels).toEqual({ a: '2' });
    const stale = await fetch(`http://${m.host}/v1.41/secrets/${s.ID}/update?version=${s.Version.Index}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Name: 'sec', Labels: {} }),
    });
    expect(stale.status).toBe(500);
  });

  it('what a service uses cannot be removed, in Docker words; unknown references are refused', async () => {
    expect((await d('network', 'create', '-d', 'overlay', 'objnet')).code).toBe(0);
    const dupNet = await d('network', 'create', '-d', 'overlay', 'objnet');
    expect(dupNet.out).toContain('Error response from daemon: network with name objnet already exists');
    const c = await d('service', 'create', '--detach', '--name', svc, '--network', 'objnet', '--secret', 'sec', '--config', 'src=cfg,target=/etc/app.conf', 'flotilla/busybox:latest', 'sleep', '3600');
    expect(c.code, c.out).toBe(0);
    const spec = JSON.parse((await d('service', 'inspect', svc)).out)[0].Spec.TaskTemplate.ContainerSpec;
    expect(spec.Secrets[0]).toMatchObject({ SecretName: 'sec', File: { Name: 'sec' } });
    const rmSec = await d('secret', 'rm', 'sec');
    expect(rmSec.code).toBe(1);
    expect(rmSec.out).toContain(`Error response from daemon: rpc error: code = InvalidArgument desc = secret 'sec' is in use by the following service: ${svc}`);
    const rmCfg = await d('config', 'rm', 'cfg');
    expect(rmCfg.out).toContain(`config 'cfg' is in use by the following service: ${svc}`);
    const rmNet = await d('network', 'rm', 'objnet');
    expect(rmNet.code).toBe(1);
    expect(rmNet.out).toMatch(/Error response from daemon: rpc error: code = FailedPrecondition desc = network [a-z0-9]{25} is in use by service [a-z0-9]{25}/);
    const missing = await fetch(`http://${m.host}/v1.41/services/create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        Name: `${svc}x`,
        TaskTemplate: { ContainerSpec: { Image: 'flotilla/busybox:latest', Secrets: [{ SecretID: 'nope', SecretName: 'nope', File: { Name: 'nope' } }] } },
        Mode: { Replicated: { Replicas: 1 } },
      }),
    });
    expect(missing.status).toBe(400);
    expect(((await missing.json()) as { message: string }).message).toBe('rpc error: code = InvalidArgument desc = secret not found: nope');

    expect((await d('service', 'rm', svc)).code).toBe(0);
    expect((await d('secret', 'rm', 'sec')).out.trim()).toBe('sec');
    expect((await d('config', 'rm', 'cfg')).out.trim()).toBe('cfg');
    expect((await d('network', 'rm', 'objnet')).out.trim()).toBe('objnet');
    const gone = await d('network', 'inspect', 'objnet');
    expect(gone.code).toBe(1);
    expect(gone.out).toContain('network objnet not found');
  });

  it('a task sees its secret and config as read-only files; a task without them sees nothing', async () => {
    const name = `${svc}f`;
    expect((await d('secret', 'create', `${name}s`, 'data.txt')).code).toBe(0);
    expect((await d('config', 'create', `${name}c`, 'data.txt')).code).toBe(0);
    const c = await d('service', 'create', '--detach', '--name', name, '--secret', `${name}s`, '--config', `source=${name}c,target=/etc/app.conf`,
      'flotilla/busybox:latest', 'sh', '-c', `cat /run/secrets/${name}s /etc/app.conf; touch /run/secrets/${name}s 2>/dev/null && echo WRITABLE; sleep 600`);
    expect(c.code, c.out).toBe(0);
    try {
      const out = await eventually(async () => {
        const ids = (await docker.listContainers({ filters: { label: [`com.docker.swarm.service.name=${name}`] } })).map((x) => x.Id);
        if (!ids.length) return undefined;
        const logs = (await docker.getContainer(ids[0]).logs({ stdout: true, stderr: true })).toString('latin1');
        return logs.includes('hush') ? logs : undefined;
      }, 'the secret printed', 30_000);
      expect(out.match(/hush/g)).toHaveLength(2);
      expect(out).not.toContain('WRITABLE');
    } finally {
      await d('service', 'rm', name);
      await purgeService(name);
    }
  });
});
