import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docker as engine, eventually, purgeService } from '../support/docker';
import { dockerCli } from '../support/docker-cli';
import { ManagerProcess } from '../support/manager';

const name = `dk${process.pid}`;

describe('the stock docker CLI against flotilla', () => {
  let m: ManagerProcess;
  const d = (...args: string[]) => dockerCli(m.host, args);
  const containers = async () =>
    (await engine.listContainers({ filters: { label: [`com.docker.swarm.service.name=${name}`] } })).filter((c) => c.State === 'running');

  beforeAll(async () => {
    m = await ManagerProcess.create();
  });
  afterAll(async () => {
    await d('service', 'rm', name);
    await eventually(async () => (await containers()).length === 0, 'service removed', 20_000).catch(() => undefined);
    await m?.destroy();
    await purgeService(name);
  });

  it('node ls shows this node, starred, as the leader', async () => {
    const r = await d('node', 'ls');
    expect(r.code).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines[0]).toMatch(/^ID\s+HOSTNAME\s+STATUS\s+AVAILABILITY\s+MANAGER STATUS\s+ENGINE VERSION$/);
    expect(lines[1]).toMatch(/^[a-z0-9]{25} \*\s+\S+\s+Ready\s+Active\s+Leader\s+\S+$/);
  });

  it('service create, ls, ps, scale, rm', async () => {
    const c = await d('service', 'create', '--detach', '--name', name, '--replicas', '2', 'flotilla/hello:latest');
    expect(c.code, c.out).toBe(0);
    await eventually(async () => (await containers()).length === 2, '2 containers');
    await eventually(async () => /\s2\/2\s/.test((await d('service', 'ls')).out), 'ls shows 2/2');
    const ls = await d('service', 'ls', '--filter', `name=${name}`);
    expect(ls.out).toMatch(new RegExp(`^[a-z0-9]{12}\\s+${name}\\s+replicated\\s+2/2\\s+flotilla/hello:latest`, 'm'));

    const sc = await d('service', 'scale', '--detach', `${name}=3`);
    expect(sc.code, sc.out).toBe(0);
    await eventually(async () => (await containers()).length === 3, '3 containers');
    await eventually(async () => ((await d('service', 'ps', name)).out.match(/\sRunning\s+Running /g) ?? []).length === 3, 'ps shows 3 running');
    const ps = await d('service', 'ps', name);
    expect(ps.out).toMatch(new RegExp(`^[a-z0-9]{12}\\s+${name}\\.1\\s+flotilla/hello:latest\\s+\\S+\\s+Running\\s+Running`, 'm'));

    const insp = JSON.parse((await d('service', 'inspect', name)).out);
    expect(insp[0].Spec.Mode.Replicated.Replicas).toBe(3);
    expect(insp[0].Version.Index).toBeGreaterThan(0);

    const rm = await d('service', 'rm', name);
    expect(rm.code).toBe(0);
    expect(rm.out.trim()).toBe(name);
    await eventually(async () => (await containers()).length === 0, 'containers gone');
  });

  it('errors come back as Docker prints them', async () => {
    expect((await d('service', 'create', '--detach', '--name', name, 'flotilla/hello:latest')).code).toBe(0);
    const dup = await d('service', 'create', '--detach', '--name', name, 'flotilla/hello:latest');
    expect(dup.code).toBe(1);
    expect(dup.out).toContain(`Error response from daemon: rpc error: code = AlreadyExists desc = name conflicts with an existing object: service ${name} already exists`);
    const bad = await d('service', 'create', '--detach', '--name', 'bad_name!', 'flotilla/hello:latest');
    expect(bad.out).toContain('Error response from daemon: rpc error: code = InvalidArgument desc = name must be valid as a DNS name component');
    const none = await d('service', 'scale', 'nosuch=2');
    expect(none.code).toBe(1);
    expect(none.out).toContain('nosuch: Error response from daemon: service nosuch not found');
    const filt = await d('service', 'ls', '--filter', 'bogus=1');
    expect(filt.out).toContain("Error response from daemon: Invalid filter 'bogus'");
    const tooNew = await fetch(`http://${m.host}/v1.99/version`);
    expect(tooNew.status).toBe(400);
    expect(((await tooNew.json()) as { message: string }).message).toBe('client version 1.99 is too new. Maximum supported API version is 1.41');
  });

  it('a stale version is refused with "update out of sequence" and changes nothing', async () => {
    const svc = JSON.parse((await d('service', 'inspect', name)).out)[0];
    const stale = svc.Version.Index - 1;
    const r = await fetch(`http://${m.host}/v1.41/services/${svc.ID}/update?version=${stale}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ ...svc.Spec, Mode: { Replicated: { Replicas: 7 } } }),
    });
    expect(r.status).toBe(500);
    expect(((await r.json()) as { message: string }).message).toBe('update out of sequence');
    const after = JSON.parse((await d('service', 'inspect', name)).out)[0];
    expect(after.Spec.Mode.Replicated.Replicas ?? 1).toBe(1);
    expect(after.Version.Index).toBe(svc.Version.Index);
  });
});
