import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { docker, eventually, purgeService } from '../support/docker';
import { ManagerProcess } from '../support/manager';

/**
 * The node's own engine on the manager's endpoint, with the stock docker CLI:
 * what a Swarm manager answers from its local dockerd. Compared with what
 * Docker 20.10's swarm manager answered in a netns host (engine.reference.json).
 */
const ref = JSON.parse(readFileSync(join(__dirname, 'engine.reference.json'), 'utf8')) as {
  info: { keys: string[]; swarm: Record<string, unknown> };
  version: { components: string[] };
  cli: { cmd: string; exit: number; out?: string; stdoutBytes?: string }[];
  http: { req: string; status: number; body?: { message: string } }[];
};
const refCli = (cmd: string) => ref.cli.find((c) => c.cmd === cmd)!;
const refHttp = (req: string) => ref.http.find((h) => h.req === req)!;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** The stock docker CLI against `host`, stdin fed from `input` (or closed), bounded in time. */
function dockerCli(host: string, args: string[], input?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn('docker', args, { env: { ...process.env, DOCKER_HOST: `tcp://${host}` }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const t = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`docker ${args.join(' ')} timed out\n${stdout}\n${stderr}`));
    }, 60_000);
    child.on('close', (code) => {
      clearTimeout(t);
      resolve({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.end(input ?? '');
  });
}

/** A whole HTTP answer with a Content-Length body (dockerd keeps the connection open after one). */
function complete(got: string): boolean {
  const end = got.indexOf('\r\n\r\n');
  const len = /\r\ncontent-length: (\d+)/i.exec(got.slice(0, end));
  return end >= 0 && !!len && got.length - end - 4 >= Number(len[1]);
}

/** One raw HTTP exchange on its own connection: what the server sent until it closed, or until `done` says enough. */
function rawExchange(host: string, request: string, done: (got: string) => boolean = () => false): Promise<string> {
  const [h, p] = host.split(':');
  return new Promise((resolve, reject) => {
    const s = connect({ host: h, port: Number(p) });
    let got = '';
    s.on('data', (d) => {
      got += d.toString('latin1');
      if (done(got)) {
        s.destroy();
        resolve(got);
      }
    });
    s.on('end', () => resolve(got));
    s.on('error', reject);
    const t = setTimeout(() => s.destroy(new Error(`no end; got ${JSON.stringify(got)}`)), 30_000);
    s.on('close', () => clearTimeout(t));
    s.write(request);
  });
}

const svc = `eng${process.pid}`;

describe("the node's own engine through the manager, with the stock docker CLI", () => {
  let m: ManagerProcess;
  let cid: string;
  const d = (...args: string[]) => dockerCli(m.host, args);

  beforeAll(async () => {
    m = await ManagerProcess.create();
    const c = await d('service', 'create', '--detach', '--name', svc, 'flotilla/busybox:latest', 'sh', '-c', 'echo started; exec sleep 3600');
    expect(c.code, c.stderr).toBe(0);
    cid = await eventually(async () => {
      const cs = await docker.listContainers({ filters: { label: [`com.docker.swarm.service.name=${svc}`] } });
      return cs[0]?.Id;
    }, 'the task container running');
  });
  afterAll(async () => {
    if (m) await d('service', 'rm', svc);
    await m?.destroy();
    await purgeService(svc);
  });

  it('docker ps lists the task container as the engine does', async () => {
    const ps = await d('ps', '--no-trunc', '--filter', `label=com.docker.swarm.service.name=${svc}`, '--format', '{{.ID}} {{.Names}} {{.Image}}');
    expect(ps.code, ps.stderr).toBe(0);
    const [line] = ps.stdout.trim().split('\n');
    const own = (await docker.getContainer(cid).inspect()).Name.slice(1);
    expect(line).toBe(`${cid} ${own} flotilla/busybox:latest`);
  });

  it('inspect, logs, top and stats read the container', async () => {
    const ins = await d('inspect', cid.slice(0, 12));
    expect(ins.code, ins.stderr).toBe(0);
    const doc = JSON.parse(ins.stdout)[0];
    expect(doc.Id).toBe(cid);
    expect(doc.Config.Labels['com.docker.swarm.service.name']).toBe(svc);
    const logs = await d('logs', cid);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toBe('started\n');
    const top = await d('top', cid);
    expect(top.code, top.stderr).toBe(0);
    expect(top.stdout).toMatch(/^UID\s+PID\s+PPID/);
    expect(top.stdout).toContain('sleep 3600');
    const stats = await d('stats', '--no-stream', '--format', '{{.ID}} {{.PIDs}}', cid);
    expect(stats.code, stats.stderr).toBe(0);
    expect(stats.stdout.trim()).toBe(`${cid.slice(0, 12)} 1`);
  });

  it('images and volumes are the engine’s', async () => {
    const images = await d('images', '--format', '{{.Repository}}:{{.Tag}}');
    expect(images.code, images.stderr).toBe(0);
    expect(images.stdout.split('\n')).toContain('flotilla/busybox:latest');
    const img = await d('image', 'inspect', 'flotilla/busybox:latest', '--format', '{{.Id}}');
    expect(img.stdout.trim()).toBe((await docker.getImage('flotilla/busybox:latest').inspect()).Id);
    const vols = await d('volume', 'ls');
    expect(vols.code, vols.stderr).toBe(0);
    expect(vols.stdout.split('\n')[0]).toMatch(/^DRIVER\s+VOLUME NAME$/);
    const none = await fetch(`http://${m.host}/v1.41/images/nosuch/json`);
    const want = refHttp('GET /v1.41/images/nosuch/json');
    expect(none.status).toBe(want.status);
    expect(await none.json()).toEqual(want.body);
  });

  it('docker exec runs in the container, as on a Swarm manager: plain, -t, -i and -it', async () => {
    const plain = await d('exec', cid, 'echo', 'hi');
    expect([plain.code, plain.stdout]).toEqual([refCli('docker exec <c> echo hi').exit, 'hi\n']);
    const status = await d('exec', cid, 'sh', '-c', 'exit 3');
    expect(status.code).toBe(refCli('docker exec <c> sh -c exit 3').exit);
    const tty = await d('exec', '-t', cid, 'echo', 'hi');
    expect([tty.code, tty.stdout]).toEqual([0, refCli('docker exec -t <c> echo hi').stdoutBytes]);
    const piped = await dockerCli(m.host, ['exec', '-i', cid, 'cat'], 'x\n');
    expect([piped.code, piped.stdout.trim()]).toEqual([0, refCli('echo x | docker exec -i <c> cat').out]);
    // A real terminal on the client side (script gives docker a pty), stdin and tty both attached.
    const it = await new Promise<Run>((resolve) => {
      const child = spawn('script', ['-qec', `docker exec -it ${cid} sh -c 'tty >/dev/null && echo pty-ok'`, '/dev/null'], {
        env: { ...process.env, DOCKER_HOST: `tcp://${m.host}` },
        stdio: ['pipe', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (b) => (out += b));
      child.on('close', (code) => resolve({ code: code ?? -1, stdout: out, stderr: '' }));
    });
    expect(it.code, it.stdout).toBe(0);
    expect(it.stdout).toContain('pty-ok');
  });

  it('exec into a container that does not exist: the 404 Docker gives, nothing changed', async () => {
    // The engine is shared with other suites: what is compared is this suite's own container and its execs.
    const mine = async () => (await docker.listContainers({ all: true, filters: { label: [`com.docker.swarm.service.name=${svc}`] } })).map((c) => `${c.Id} ${c.State}`);
    const before = await mine();
    const execsBefore = (await docker.getContainer(cid).inspect()).ExecIDs ?? [];
    const r = await d('exec', 'nosuch', 'true');
    const want = refCli('docker exec nosuch true');
    expect(r.code).toBe(want.exit);
    expect(r.stderr.trim()).toBe(want.out);
    const create = await fetch(`http://${m.host}/v1.41/containers/nosuch/exec`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Cmd: ['true'] }),
    });
    const wantCreate = refHttp('POST /v1.41/containers/nosuch/exec');
    expect(create.status).toBe(wantCreate.status);
    expect(await create.json()).toEqual(wantCreate.body);
    // The hijacked start of an exec that does not exist: dockerd's own 404, through the upgrade path.
    const body = '{"Detach":false,"Tty":false}';
    const start = await rawExchange(
      m.host,
      `POST /v1.41/exec/nosuch/start HTTP/1.1\r\nHost: ${m.host}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
      complete,
    );
    const wantStart = refHttp('POST /v1.41/exec/nosuch/start');
    expect(start.split('\r\n')[0]).toBe(`HTTP/1.1 ${wantStart.status} Not Found`);
    expect(JSON.parse(start.slice(start.indexOf('\r\n\r\n') + 4))).toEqual(wantStart.body);
    for (const cmd of ['docker logs nosuch', 'docker top nosuch', 'docker kill nosuch', 'docker rm nosuch', 'docker restart nosuch']) {
      const got = await d(...cmd.split(' ').slice(1));
      expect([got.code, got.stderr.trim()], cmd).toEqual([refCli(cmd).exit, refCli(cmd).out]);
    }
    expect(await mine()).toEqual(before);
    const execsAfter = (await docker.getContainer(cid).inspect()).ExecIDs ?? [];
    expect(execsAfter.filter((e) => !execsBefore.includes(e))).toEqual([]);
  });

  it('attach hijacks the connection as dockerd does (101, then the multiplexed stream)', async () => {
    const got = await rawExchange(
      m.host,
      `POST /v1.41/containers/${cid}/attach?logs=1&stream=0&stdout=1 HTTP/1.1\r\nHost: ${m.host}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Length: 0\r\n\r\n`,
    );
    expect(got.split('\r\n')[0]).toBe('HTTP/1.1 101 UPGRADED');
    expect(got).toContain('Content-Type: application/vnd.docker.raw-stream');
    expect(got.slice(got.indexOf('\r\n\r\n') + 4)).toBe('\x01\0\0\0\0\0\0\x08started\n');
  });

  it('/info and /version describe this node’s engine, with the swarm flotilla keeps', async () => {
    const infoRes = await fetch(`http://${m.host}/v1.41/info`);
    // dockerd answers without an ETag; so does flotilla (Express would hash every answer for one).
    expect(infoRes.headers.get('etag')).toBeNull();
    const info = (await infoRes.json()) as Record<string, unknown> & { Swarm: Record<string, unknown> };
    const engine = (await docker.info()) as Record<string, unknown>;
    for (const k of ref.info.keys) expect(info, k).toHaveProperty(k);
    for (const k of ['ID', 'Name', 'ServerVersion', 'Driver', 'KernelVersion', 'OperatingSystem', 'NCPU', 'MemTotal', 'DockerRootDir']) expect(info[k], k).toEqual(engine[k]);
    expect(info.Swarm).toMatchObject(ref.info.swarm);
    expect(info.Swarm.NodeID).toBe(readFileSync(join(m.dataDir, 'worker', 'node-id'), 'utf8').trim());
    const cliInfo = await d('info', '--format', '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}} {{.ServerVersion}}');
    expect(cliInfo.stdout.trim()).toBe(`active true ${engine.ServerVersion}`);
    const v = await d('version', '--format', '{{json .Server}}');
    expect(v.code, v.stderr).toBe(0);
    const server = JSON.parse(v.stdout) as { Version: string; ApiVersion: string; Components: { Name: string }[] };
    expect(server.Components.map((c) => c.Name)).toEqual([...ref.version.components, 'flotilla']);
    expect(server.Version).toBe(engine.ServerVersion);
    expect(server.ApiVersion).toBe('1.41');
  });

  it('attach follows the container; kill, restart and rm -f reach it; the swarm replaces a killed task', async () => {
    // The kill must come after the attach is in place: dockerd says so with an `attach` event.
    const events = (await docker.getEvents({ filters: { container: [cid], event: ['attach'] } })) as NodeJS.ReadableStream & { destroy(): void };
    const attached = new Promise((r) => events.once('data', r));
    const attach = d('attach', '--no-stdin', cid);
    await attached;
    events.destroy();
    const k = await d('kill', cid);
    expect([k.code, k.stdout.trim()]).toEqual([0, cid]);
    expect((await attach).code).toBe(refCli('docker attach --no-stdin <c> (then docker kill <c>)').exit);
    expect((await docker.getContainer(cid).inspect()).State.Running).toBe(false);
    const next = await eventually(async () => {
      const cs = await docker.listContainers({ filters: { label: [`com.docker.swarm.service.name=${svc}`] } });
      return cs.find((c) => c.Id !== cid)?.Id;
    }, 'a replacement task running');
    const restart = await d('restart', next);
    expect([restart.code, restart.stdout.trim()]).toEqual([refCli('docker restart <c>').exit, next]);
    const rm = await d('rm', '-f', next);
    expect([rm.code, rm.stdout.trim()]).toEqual([refCli('docker rm -f <c>').exit, next]);
    await expect(docker.getContainer(next).inspect()).rejects.toThrow(/no such container/i);
  });
});
