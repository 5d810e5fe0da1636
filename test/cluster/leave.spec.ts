import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flotilla, runCommand } from '../support/cli';
import { containersOf, docker, eventually, purgeProject, purgeService } from '../support/docker';
import { DOCKER_HOST, EXAMPLES, REDIS_URL } from '../support/env';
import { freePort } from '../support/ports';
import { ManagerProcess } from '../support/manager';

/**
 * `swarm leave` and `node rm` next to what Docker answered on a real swarm
 * (leave.docker.json): two nodes sharing this host's engine, each with its own
 * data dir and port, so every check is on this test's own node ids.
 */
const ref = JSON.parse(readFileSync(join(__dirname, 'leave.docker.json'), 'utf8')) as Record<string, Record<string, unknown>>;
const stack = `lv${process.pid}`;
const svc = `${stack}_web`;
const busy = 'trap "exit 0" TERM; sleep 100000 & wait';

const nodeIdOf = (dir: string) => readFileSync(join(dir, 'node-id'), 'utf8').trim();
/** Task containers of a node on this engine: all of them (is anything left?), or the running ones of web. */
const tasksOn = async (nodeId: string, running = false) =>
  (
    await docker.listContainers({
      all: !running,
      filters: { label: [`com.docker.swarm.node.id=${nodeId}`, 'io.flotilla.managed=true', ...(running ? [`com.docker.swarm.service.name=${svc}`] : [])] },
    })
  ).length;

describe('swarm leave and node rm, as Docker', () => {
  let mgrDir: string;
  let wrkDir: string;
  let tmp: string;
  let port: number;
  let env: Record<string, string>;
  let mgrId: string;
  let clusterId: string;
  const f = (...args: string[]) => flotilla(args, env);
  const join2 = async () => {
    const token = (await f('swarm', 'join-token', '-q', 'worker')).stdout.trim();
    return flotilla(['swarm', 'join', '--token', token, `127.0.0.1:${port}`, '--data-dir', wrkDir], { ...env, FLOTILLA_HOSTNAME: 'n2' });
  };

  beforeAll(async () => {
    mgrDir = mkdtempSync(join(tmpdir(), 'flotilla-lv1-'));
    wrkDir = mkdtempSync(join(tmpdir(), 'flotilla-lv2-'));
    tmp = mkdtempSync(join(tmpdir(), 'flotilla-lvc-'));
    port = await freePort();
    env = { FLOTILLA_HOST: `127.0.0.1:${port}`, DOCKER_HOST, REDIS_URL, FLOTILLA_HEARTBEAT_MS: '500', FLOTILLA_HOSTNAME: 'n1', FLOTILLA_RESYNC_MS: '2000' };
    // A network and a named volume, as the Docker reference had: Docker removes the one and keeps the other.
    // The volume's task stays on the manager: two nodes of one engine creating one volume at once would race.
    const cmd = `command: ["sh", "-c", ${JSON.stringify(busy)}]`;
    writeFileSync(
      join(tmp, 'stack.yml'),
      `version: "3.8"\nservices:\n  web:\n    image: flotilla/busybox:latest\n    ${cmd}\n    deploy:\n      replicas: 1\n` +
        `  keep:\n    image: flotilla/busybox:latest\n    ${cmd}\n    volumes: ["data:/data"]\n    deploy:\n      placement:\n        constraints: ["node.role == manager"]\n` +
        `volumes:\n  data: {}\n`,
    );
  });
  afterAll(async () => {
    await f('swarm', 'leave', '--force', '--data-dir', wrkDir);
    await f('swarm', 'leave', '--force', '--data-dir', mgrDir);
    await purgeService(svc);
    await purgeService(`${stack}_keep`);
    for (const v of (await docker.listVolumes({ filters: { label: [`com.docker.stack.namespace=${stack}`] } })).Volumes ?? []) {
      await docker.getVolume(v.Name).remove().catch(() => undefined);
    }
    for (const d of [mgrDir, wrkDir, tmp]) rmSync(d, { recursive: true, force: true });
  });

  it('a cluster of two runs a stack on both nodes', async () => {
    const init = await f('swarm', 'init', '--listen-addr', `127.0.0.1:${port}`, '--data-dir', mgrDir);
    expect(init.code, init.stderr).toBe(0);
    mgrId = nodeIdOf(join(mgrDir, 'worker'));
    clusterId = (JSON.parse(readFileSync(join(mgrDir, 'worker', 'membership.json'), 'utf8')) as { clusterId: string }).clusterId;
    // Deployed before the worker joins: two nodes of one engine creating the stack's network at once would race.
    const d = await f('stack', 'deploy', '-c', join(tmp, 'stack.yml'), stack);
    expect(d.code, d.stderr).toBe(0);
    await eventually(async () => (await tasksOn(mgrId, true)) === 1, 'web running on the manager', 60_000).catch(async (e) => {
      throw new Error(`${(e as Error).message}\n${(await f('stack', 'ps', stack)).stdout}${(await f('node', 'ls')).stdout}`);
    });
    const j = await join2();
    expect(j.code, j.stderr).toBe(0);
    const wrkId = nodeIdOf(wrkDir);
    // The manager runs two tasks (web, keep): spread puts the new one on the worker.
    expect((await f('service', 'scale', `${svc}=2`)).code).toBe(0);
    await eventually(async () => (await tasksOn(wrkId, true)) === 1, 'web on the worker too', 60_000).catch(async (e) => {
      throw new Error(`${(e as Error).message}\n${(await f('stack', 'ps', '--no-trunc', stack)).stdout}${(await f('node', 'ls')).stdout}${readFileSync(join(wrkDir, 'worker.log'), 'utf8').slice(-3000)}`);
    });
  });

  it('node rm of a node that is up is refused without --force', async () => {
    const wrkId = nodeIdOf(wrkDir);
    const r = await f('node', 'rm', wrkId);
    expect(r.code).toBe(ref.nodeRmReadyWorker.code);
    expect(r.stderr).toBe((ref.nodeRmReadyWorker.stderr as string).replace('<ID>', wrkId));
    const self = await f('node', 'rm', mgrId);
    expect(self.stderr).toBe((ref.nodeRmSelfManager.stderr as string).replace('<ID>', mgrId));
  });

  it('a worker that leaves takes its containers and its state with it; its tasks move', async () => {
    const wrkId = nodeIdOf(wrkDir);
    expect(await tasksOn(wrkId, true)).toBe(1);
    const l = await f('swarm', 'leave', '--data-dir', wrkDir);
    expect(l.code, l.stderr).toBe(ref.workerLeave.code);
    expect(l.stdout).toBe(ref.workerLeave.stdout);
    // Gone when leave returns, as with Docker (no waiting).
    expect(await tasksOn(wrkId)).toBe(0);
    expect(readdirSync(wrkDir)).toEqual(ref.workerLeave.swarmDirLeft);
    const again = await f('swarm', 'leave', '--data-dir', wrkDir);
    expect(again.code).toBe(ref.leaveWhenNotInSwarm.code);
    expect(again.stderr).toBe(ref.leaveWhenNotInSwarm.stderr);
    // The manager sees it go down and runs its task elsewhere, as Docker's did.
    await eventually(async () => new RegExp(`^${wrkId}\\s+n2\\s+Down`, 'm').test((await f('node', 'ls')).stdout), 'the left node down', 30_000);
    await eventually(async () => (await tasksOn(mgrId, true)) === 2, 'its task moved to the manager node', 60_000);
  });

  it('a node that left joins again with a new id; the old one is removed while down', async () => {
    const nodes = (await (await fetch(`http://127.0.0.1:${port}/v1.41/nodes`)).json()) as { ID: string; Description: { Hostname: string } }[];
    const oldId = nodes.find((n) => n.Description.Hostname === 'n2')!.ID;
    const j = await join2();
    expect(j.stdout).toBe(ref.rejoinAfterLeave.stdout);
    const newId = nodeIdOf(wrkDir);
    expect(newId).not.toBe(oldId);
    expect((await f('node', 'ls')).stdout.match(/\sn2\s/g)).toHaveLength(2);
    const rm = await f('node', 'rm', oldId);
    expect(rm.code, rm.stderr).toBe(ref.nodeRmDownWorker.code);
    expect(rm.stdout).toBe((ref.nodeRmDownWorker.stdout as string).replace('<old ID>', oldId));
    expect((await f('node', 'ls')).stdout.match(/\sn2\s/g)).toHaveLength(1);
  });

  it('node rm --force of a node that is up: gone, its tasks replaced; its host keeps them until it leaves', async () => {
    const wrkId = nodeIdOf(wrkDir);
    expect((await f('service', 'scale', `${svc}=3`)).code).toBe(0);
    await eventually(async () => (await tasksOn(wrkId, true)) === 1, 'a task on the new node', 60_000).catch(async (e) => {
      throw new Error(`${(e as Error).message}\n${(await f('service', 'ps', svc)).stdout}${(await f('node', 'ls')).stdout}`);
    });
    const rm = await f('node', 'rm', '--force', wrkId);
    expect(rm.code, rm.stderr).toBe(ref.nodeRmForceReadyWorker.code);
    expect(rm.stdout).toBe(`${wrkId}\n`);
    expect((await f('node', 'ls')).stdout).not.toContain(wrkId);
    await eventually(async () => (await tasksOn(mgrId, true)) === 3, 'its task replaced on the manager node', 60_000);
    expect(await tasksOn(wrkId, true)).toBe(1);
    const l = await f('swarm', 'leave', '--data-dir', wrkDir);
    expect(l.stdout).toBe('Node left the swarm.\n');
    expect(await tasksOn(wrkId)).toBe(0);
    expect(readdirSync(wrkDir)).toEqual([]);
  });

  it('the last manager does not leave without --force, and nothing changes', async () => {
    const r = await f('swarm', 'leave', '--data-dir', mgrDir);
    expect(r.code).toBe(ref.managerLeaveNoForce.code);
    expect(r.stderr).toBe(ref.managerLeaveNoForce.stderr);
    expect(await tasksOn(mgrId, true)).toBe(3);
    expect(existsSync(join(mgrDir, 'raft'))).toBe(true);
    expect((await f('service', 'ls')).stdout).toContain(svc);
  });

  it('leave --force: its containers and networks go, volumes stay, no state; a new swarm there has no old service', async () => {
    const net = { label: [`io.flotilla.cluster=${clusterId}`, 'io.flotilla.managed=true'] };
    expect((await docker.listNetworks({ filters: net })).length).toBeGreaterThan(0);
    const l = await f('swarm', 'leave', '--force', '--data-dir', mgrDir);
    expect(l.code, l.stderr).toBe(ref.managerLeaveForce.code);
    expect(l.stdout).toBe(ref.managerLeaveForce.stdout);
    expect(await tasksOn(mgrId)).toBe(0);
    expect(await docker.listNetworks({ filters: net })).toEqual([]);
    const vols = (await docker.listVolumes({ filters: { label: [`com.docker.stack.namespace=${stack}`] } })).Volumes ?? [];
    expect(vols.map((v) => v.Name)).toEqual([`${stack}_data`]);
    expect(readdirSync(mgrDir)).toEqual(ref.managerLeaveForce.swarmDirLeft);

    const init = await f('swarm', 'init', '--listen-addr', `127.0.0.1:${port}`, '--data-dir', mgrDir);
    expect(init.code, init.stderr).toBe(0);
    expect(nodeIdOf(join(mgrDir, 'worker'))).not.toBe(mgrId);
    expect((await f('service', 'ls')).stdout).toBe(ref.initAfterLeave.serviceLs);
    expect((await f('node', 'ls')).stdout.trim().split('\n')).toHaveLength(2);
  });
});

describe('the local cluster compose up starts', () => {
  const a = `lva${process.pid}`;
  const b = `lvb${process.pid}`;
  let state: string;
  let env: Record<string, string>;
  const compose = (project: string, ...args: string[]) => flotilla(['compose', '-f', `${EXAMPLES}/hello/docker-compose.yml`, '-p', project, ...args], env);
  const running = async (project: string) => (await containersOf(project)).length;
  const alive = (pid: number) => existsSync(`/proc/${pid}`) && !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));

  beforeAll(async () => {
    state = mkdtempSync(join(tmpdir(), 'flotilla-lvs-'));
    const addr = `127.0.0.1:${await freePort()}`;
    env = { FLOTILLA_HOST: '', FLOTILLA_LOCAL_ADDR: addr, XDG_STATE_HOME: state, DOCKER_HOST, REDIS_URL, HELLO_PUBLISH: `${await freePort()}:80` };
  });
  afterAll(async () => {
    await flotilla(['swarm', 'leave', '--force'], env);
    for (const p of [a, b]) {
      await purgeService(`${p}_web`);
      await purgeProject(p);
    }
    rmSync(state, { recursive: true, force: true });
  });

  it("a stopped local cluster's state never brings another project's services back", async () => {
    const up = await compose(a, 'up', '-d', '--scale', 'web=1');
    expect(up.code, up.stderr).toBe(0);
    expect(await running(a)).toBe(1);
    const dir = join(state, 'flotilla', 'local');
    // The manager dies (a reboot, a kill): its state and its task stay behind.
    const pid = Number(readFileSync(join(dir, 'manager.pid'), 'utf8'));
    process.kill(pid, 'SIGKILL');
    await eventually(async () => !alive(pid), 'the manager gone', 10_000);
    const upB = await compose(b, 'up', '-d', '--scale', 'web=1');
    expect(upB.code, upB.stderr).toBe(0);
    expect(upB.stderr).toContain('Removed a stopped local flotilla cluster');
    expect(await running(a)).toBe(0);
    expect(await running(b)).toBe(1);
    const services = (await (await fetch(`http://${env.FLOTILLA_LOCAL_ADDR}/v1.41/services`)).json()) as { Spec: { Name: string } }[];
    expect(services.map((x) => x.Spec.Name)).toEqual([`${b}_web`]);
  });

  it('swarm leave --force without --data-dir leaves the local cluster: nothing remains', async () => {
    const l = await flotilla(['swarm', 'leave', '--force'], env);
    expect(l.code, l.stderr).toBe(0);
    expect(l.stdout).toBe('Node left the swarm.\n');
    expect(await running(b)).toBe(0);
    expect(readdirSync(join(state, 'flotilla', 'local'))).toEqual([]);
  });
});

describe('docker swarm leave through the Docker API', () => {
  const name = `lvd${process.pid}`;
  let m: ManagerProcess;
  const d = (...args: string[]) => runCommand('docker', args, { env: { ...process.env, DOCKER_HOST: `tcp://${m.host}` } });

  beforeAll(async () => {
    m = await ManagerProcess.create();
  });
  afterAll(async () => {
    await m?.destroy();
    await purgeService(name);
  });

  it('refuses the last manager without --force as dockerd does, then leaves with it: no task, no state', async () => {
    const c = await d('service', 'create', '--name', name, '--replicas', '2', 'flotilla/busybox:latest', 'sh', '-c', busy);
    expect(c.code, c.stderr).toBe(0);
    const nodeId = nodeIdOf(join(m.dataDir, 'worker'));
    await eventually(async () => (await tasksOn(nodeId)) === 2, 'two tasks', 60_000);
    const no = await d('swarm', 'leave');
    expect(no.code).toBe(ref.managerLeaveNoForce.code);
    expect(no.stderr).toBe(ref.managerLeaveNoForce.stderr);
    expect(await tasksOn(nodeId)).toBe(2);
    const yes = await d('swarm', 'leave', '--force');
    expect(yes.code, yes.stderr).toBe(ref.managerLeaveForce.code);
    expect(yes.stdout).toBe(ref.managerLeaveForce.stdout);
    if (m.child!.exitCode === null) await new Promise((r) => m.child!.once('exit', r));
    expect(m.child!.exitCode).toBe(0);
    expect(await tasksOn(nodeId)).toBe(0);
    expect(readdirSync(m.dataDir)).toEqual(ref.managerLeaveForce.swarmDirLeft);
  });
});
