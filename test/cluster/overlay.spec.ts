import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { flotilla } from '../support/cli';
import { eventually } from '../support/docker';
import { flotillaOn, hostsDown, hostsUp, type Host, type HostSet } from '../support/hosts';
import { freePort } from '../support/ports';

const run = promisify(execFile);

/**
 * Two hosts (network namespaces, a dockerd each), one stack: a web service
 * with a task on each host and a client on the first. The stack network is
 * the overlay: the client reaches the other host's task by address and by
 * service name, and removing the stack leaves no tunnel behind.
 */
const isRoot = process.getuid?.() === 0;
// A set of hosts of its own, so this suite and multihost.spec never take down each other's.
const SET: HostSet = { prefix: 'ovh', net: '10.214.0', bridge: 'ovbr0', state: '/var/lib/flotilla-hosts-ov' };

describe.skipIf(!isRoot)('overlay network across two hosts', () => {
  let hosts: Host[];
  let redis: ChildProcess;
  const redisPass = randomBytes(12).toString('hex');
  const dirs: string[] = [];
  let env: Record<string, string>;
  let nodeEnv: Record<string, string>;
  const stack = `ov${process.pid}`;
  let composeDir: string;

  const inNs = (h: Host, argv: string[]) => run('nsenter', [`--net=/var/run/netns/${h.name}`, ...argv], { timeout: 20_000 });
  const dockerExec = async (h: Host, container: string, script: string) =>
    (await run('docker', ['-H', h.dockerHost, 'exec', container, 'sh', '-c', script], { timeout: 30_000 }).catch((e: { stdout?: string; stderr?: string }) => ({ stdout: `${e.stdout ?? ''}${e.stderr ?? ''}` }))).stdout;
  const containersOf = async (h: Host, service: string) =>
    h.docker.listContainers({ filters: { label: [`com.docker.swarm.service.name=${stack}_${service}`], status: ['running'] } });
  const vxlans = async (h: Host) => (await inNs(h, ['ip', '-o', 'link', 'show', 'type', 'vxlan'])).stdout.split('\n').filter((l) => /\bflv/.test(l));

  beforeAll(async () => {
    await hostsDown(SET);
    hosts = await hostsUp(2, SET);
    const redisPort = await freePort();
    redis = spawn('redis-server', ['--port', String(redisPort), '--bind', `${SET.net}.1`, '--requirepass', redisPass, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    await new Promise((r) => setTimeout(r, 300));
    env = { FLOTILLA_HOST: `${hosts[0].ip}:2377`, FLOTILLA_WAIT_TIMEOUT: '90' };
    nodeEnv = { REDIS_URL: `redis://:${redisPass}@${SET.net}.1:${redisPort}`, FLOTILLA_HEARTBEAT_MS: '500', FLOTILLA_RESYNC_MS: '120000' };
    for (const _ of hosts) dirs.push(mkdtempSync(join(tmpdir(), 'flotilla-ov-')));
    composeDir = mkdtempSync(join(tmpdir(), 'flotilla-ov-stack-'));
    writeFileSync(
      join(composeDir, 'docker-compose.yml'),
      [
        'version: "3.8"',
        'services:',
        '  web:',
        '    image: flotilla/busybox:latest',
        // Each connection gets the container's hostname (its short id): who answered, from which host.
        '    command: ["sh", "-c", "trap \'exit 0\' TERM; hostname > /tmp/id; while true; do nc -l -p 80 < /tmp/id; done & wait"]',
        '    deploy:',
        '      replicas: 2',
        '      placement:',
        '        max_replicas_per_node: 1',
        '  client:',
        '    image: flotilla/busybox:latest',
        '    command: ["sh", "-c", "trap \'exit 0\' TERM; sleep 100000 & wait"]',
        '    deploy:',
        '      placement:',
        `        constraints: [node.hostname == ${SET.prefix}1]`,
        '',
      ].join('\n'),
    );
  }, 180_000);

  afterAll(async () => {
    for (const [i, h] of (hosts ?? []).entries()) await flotillaOn(h, ['swarm', 'leave', '--force', '--data-dir', dirs[i]]).catch(() => undefined);
    await hostsDown(SET);
    redis?.kill('SIGKILL');
    for (const d of [...dirs, composeDir]) if (d) rmSync(d, { recursive: true, force: true });
  }, 180_000);

  it('a cluster of two hosts', async () => {
    const init = await flotillaOn(hosts[0], ['swarm', 'init', '--advertise-addr', hosts[0].ip, '--data-dir', dirs[0], '--api-remote'], nodeEnv);
    expect(init.code, init.stderr).toBe(0);
    const join = /flotilla swarm join --token (\S+) (\S+)/.exec(init.stdout)!;
    const j = await flotillaOn(hosts[1], ['swarm', 'join', '--token', join[1], join[2], '--data-dir', dirs[1]], nodeEnv);
    expect(j.code, j.stderr).toBe(0);
  });

  let remoteIp = '';
  let remoteId = '';
  let client = '';

  it('deploys the stack: a web task on each host, the network with one allocated subnet on both', async () => {
    const d = await flotilla(['stack', 'deploy', '-c', join(composeDir, 'docker-compose.yml'), stack], env);
    expect(d.code, d.stderr).toBe(0);
    const [a, b] = await eventually(async () => {
      const r = await Promise.all([containersOf(hosts[0], 'web'), containersOf(hosts[1], 'web')]);
      return r[0].length === 1 && r[1].length === 1 && r;
    }, 'one web task running on each host', 90_000);
    client = (await eventually(async () => (await containersOf(hosts[0], 'client'))[0]?.Id, 'the client running on host 1', 60_000))!;

    const net = `${stack}_default`;
    const [na, nb] = await Promise.all(hosts.map((h) => h.docker.getNetwork(net).inspect()));
    const subnet = na.IPAM?.Config?.[0]?.Subnet;
    expect(subnet).toMatch(/^10\.\d+\.\d+\.0\/24$/);
    expect(nb.IPAM?.Config?.[0]?.Subnet).toBe(subnet);
    expect(na.Options?.['com.docker.network.driver.mtu']).toBe('1450');

    const ib = await hosts[1].docker.getContainer(b[0].Id).inspect();
    const ia = await hosts[0].docker.getContainer(a[0].Id).inspect();
    remoteIp = ib.NetworkSettings.Networks[net].IPAddress;
    remoteId = ib.Config.Hostname;
    expect(remoteIp).not.toBe(ia.NetworkSettings.Networks[net].IPAddress);
    // The allocator's address, not one the engine picked: inside the shared subnet.
    expect(`${remoteIp.split('.').slice(0, 3).join('.')}.0/24`).toBe(subnet);
  });

  it('host 1 tunnels to host 2: a VXLAN device on the bridge, flooding to host 2', async () => {
    const [dev] = await eventually(async () => {
      const v = await vxlans(hosts[0]);
      return v.length === 1 && v;
    }, 'a vxlan device on host 1', 30_000);
    const name = /\d+: (flv\w+)/.exec(dev)![1];
    const fdb = (await inNs(hosts[0], ['bridge', 'fdb', 'show', 'dev', name])).stdout;
    expect(fdb).toContain(`00:00:00:00:00:00 dst ${hosts[1].ip}`);
    expect(dev).toMatch(/master flb\w+/);
  });

  it('the client on host 1 reaches the task on host 2 by address', async () => {
    await eventually(async () => (await dockerExec(hosts[0], client, `ping -c 1 -W 2 ${remoteIp}`)).includes('1 packets received'), 'ping across hosts', 30_000);
    const got = await eventually(async () => (await dockerExec(hosts[0], client, `nc -w 3 ${remoteIp} 80`)).trim() || undefined, 'nc across hosts', 30_000);
    expect(got).toBe(remoteId);
  });

  it('and by service name: the node DNS answers every host\'s tasks', async () => {
    // The other host's task reaches host 1's DNS with host 1's next assignment: a doorbell (resyncs are 2 min apart here).
    const out = await eventually(
      async () => {
        const r = await dockerExec(hosts[0], client, 'nslookup tasks.web');
        return r.includes(remoteIp) && r;
      },
      'tasks.web answering with the task on host 2',
      40_000,
    );
    expect(out.match(/Address:?\s+10\.\d+\.\d+\.\d+/g)?.length).toBeGreaterThanOrEqual(2);
    expect(await dockerExec(hosts[0], client, `nslookup ${stack}_web`)).toContain(remoteIp);
    const ids = new Set<string>();
    for (let i = 0; i < 6; i++) ids.add((await dockerExec(hosts[0], client, 'nc -w 3 web 80')).trim());
    expect([...ids].every((x) => /^[0-9a-f]{12}$/.test(x)), [...ids].join(',')).toBe(true);
  });

  it('a service started on host 2 alone is named on host 1 at once: host 1 is rung, not left to its resync', async () => {
    const c = await flotilla(['service', 'create', '-d', '--name', 'extra', '--network', `${stack}_default`, '--constraint', `node.hostname==${SET.prefix}2`, 'flotilla/busybox:latest', 'sh', '-c', "trap 'exit 0' TERM; sleep 100000 & wait"], env);
    expect(c.code, c.stderr).toBe(0);
    const [x] = await eventually(async () => {
      const r = await hosts[1].docker.listContainers({ filters: { label: ['com.docker.swarm.service.name=extra'], status: ['running'] } });
      return r.length === 1 && r;
    }, 'extra running on host 2', 60_000);
    const ip = (await hosts[1].docker.getContainer(x.Id).inspect()).NetworkSettings.Networks[`${stack}_default`].IPAddress;
    // Well inside the 2 min resync: only a doorbell can have told host 1.
    await eventually(async () => (await dockerExec(hosts[0], client, 'nslookup extra')).includes(ip), 'host 1 resolving extra', 20_000);
    expect((await flotilla(['service', 'rm', 'extra'], env)).code).toBe(0);
    await eventually(async () => !(await dockerExec(hosts[0], client, 'nslookup extra')).includes(ip), 'host 1 forgetting extra', 20_000);
  });

  it("the gateway is the client's own host: ARP for it never crosses the tunnel", async () => {
    const net = await hosts[0].docker.getNetwork(`${stack}_default`).inspect();
    const gw = net.IPAM?.Config?.[0]?.Gateway;
    const bridge = net.Options?.['com.docker.network.bridge.name'];
    expect(bridge).toMatch(/^flb/);
    const localMac = /link\/ether ([0-9a-f:]{17})/.exec((await inNs(hosts[0], ['ip', 'link', 'show', bridge!])).stdout)![1];
    const remoteMac = /link\/ether ([0-9a-f:]{17})/.exec((await inNs(hosts[1], ['ip', 'link', 'show', bridge!])).stdout)![1];
    expect(remoteMac).not.toBe(localMac);
    // Both hosts answer for the gateway address; the client must only ever hear its own.
    await dockerExec(hosts[0], client, `ping -c 1 -W 2 ${gw}`);
    const arp = await dockerExec(hosts[0], client, 'cat /proc/net/arp');
    const line = arp.split('\n').find((l) => l.startsWith(`${gw} `));
    expect(line, arp).toContain(localMac);
    // Host 2 never heard the client ask for the gateway: it knows no neighbour at the client's address.
    const clientIp = (await hosts[0].docker.getContainer(client).inspect()).NetworkSettings.Networks[`${stack}_default`].IPAddress;
    expect((await inNs(hosts[1], ['ip', 'neigh', 'show', 'dev', bridge!])).stdout).not.toContain(`${clientIp} `);
  });

  it('removing the stack removes the tunnels (and with them their flood entries) on both hosts', async () => {
    const rm = await flotilla(['stack', 'rm', stack], env);
    expect(rm.code, rm.stderr).toBe(0);
    for (const h of hosts) {
      await eventually(async () => (await vxlans(h)).length === 0, `no vxlan device left on ${h.name}`, 60_000);
      // The ARP guard goes in the same clean-up, a step after the device.
      await eventually(async () => !/flv/.test((await inNs(h, ['ebtables', '-L'])).stdout), `no ARP guard left on ${h.name}`, 20_000);
      expect((await inNs(h, ['bridge', 'fdb', 'show'])).stdout).not.toMatch(/00:00:00:00:00:00 dst/);
    }
  });
});
