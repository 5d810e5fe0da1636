import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, ROOT } from '../support/env';
import { flotilla, type CliResult } from '../support/cli';
import { containersOf, docker, eventually, purgeProject } from '../support/docker';
import { ManagerProcess } from '../support/manager';

/**
 * exec / run / kill / pause / unpause / top / restart through the manager's
 * engine relay (the worker dials back; every call is checked against the
 * node's task containers), on a one-node cluster, next to what
 * docker-compose 1.29 answered on the same file (fixtures/relay/compose-1.29.json,
 * recorded by fixtures/relay/record-1.29.py).
 */
const dir = join(ROOT, 'test/compose/fixtures/relay');
const file = join(dir, 'docker-compose.yml');
const project = `trelay${process.pid}`;
type Recorded = { args: string[]; stdout: string; stderr: string; exit: number };
const ref = JSON.parse(readFileSync(join(dir, 'compose-1.29.json'), 'utf8')) as Record<string, Recorded>;

// The recorder reads 1.29 in Python's text mode, which turns its `\r\n` line ends into `\n`: read ours the same way.
const norm = (s: string) => s.replaceAll('\r\n', '\n').replaceAll(project, '{p}').replace(/\b[0-9a-f]{64}\b/g, '{id}');

/** `flotilla compose ...` with stdin fed from `input`. */
function withStdin(args: string[], env: Record<string, string>, input: string): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(input);
  });
}

describe('compose exec/run/kill/pause/top/restart through the engine relay', () => {
  let m: ManagerProcess;
  let env: Record<string, string>;
  const compose = (args: string[]) => flotilla(['compose', '-f', file, '-p', project, ...args], env);
  /** Runs a recorded case and compares it with 1.29's answer. */
  const same = async (name: string) => {
    const r = await compose(ref[name].args);
    expect({ stdout: norm(r.stdout), stderr: norm(r.stderr), exit: r.code }).toEqual({ stdout: ref[name].stdout, stderr: ref[name].stderr, exit: ref[name].exit });
    return r;
  };
  const webContainer = async () => (await containersOf(project, false)).find((c) => c.Labels['com.docker.compose.service'] === 'web' && ['running', 'paused'].includes(c.State));

  beforeAll(async () => {
    await purgeProject(project);
    m = await ManagerProcess.create();
    env = m.cliEnv;
    const up = await compose(['up', '-d']);
    expect(up.code, up.stderr).toBe(0);
    await eventually(webContainer, 'web running');
  }, 120_000);

  afterAll(async () => {
    await compose(['down']).catch(() => undefined);
    await m?.destroy();
    await purgeProject(project);
  }, 120_000);

  it("exec -T: stdout and the command's exit code, as 1.29", async () => {
    await same('exec_exit');
    await same('exec_stderr');
  });

  it('exec -e -u -w', () => same('exec_env_user_workdir'));

  it('exec with stdin piped reaches the command, and its end ends it', async () => {
    const r = await withStdin(['compose', '-f', file, '-p', project, ...ref.exec_stdin.args], env, 'piped\n');
    expect({ stdout: r.stdout, exit: r.code }).toEqual({ stdout: ref.exec_stdin.stdout, exit: ref.exec_stdin.exit });
  });

  it('exec --index N of a missing container fails with 1 (flotilla names it; 1.29 prints nothing)', async () => {
    const r = await compose(ref.exec_no_index.args);
    expect(r.code).toBe(ref.exec_no_index.exit);
    expect(r.stderr).toBe('No container found for web_2\n');
  });

  it('run --rm -T: the output, then the one-off is gone', async () => {
    await same('run_rm');
    const left = await docker.listContainers({ all: true, filters: { label: [`com.docker.compose.project=${project}`, 'com.docker.compose.oneoff=True'] } });
    expect(left).toEqual([]);
  });

  it('run with -e, -w and --entrypoint: the exit code, as 1.29', () => same('run_overrides'));

  it('pause and unpause, twice each: Docker\'s errors the second time', async () => {
    await same('pause');
    expect((await docker.getContainer((await webContainer())!.Id).inspect()).State.Paused).toBe(true);
    await same('pause_again');
    await same('unpause');
    expect((await docker.getContainer((await webContainer())!.Id).inspect()).State.Paused).toBe(false);
    await same('unpause_again');
  });

  it('top: the container name, then the processes in 1.29\'s table', async () => {
    const r = await compose(ref.top.args);
    expect(r.code).toBe(0);
    const lines = norm(r.stdout).split('\n');
    const want = ref.top.stdout.split('\n');
    expect(lines[0]).toBe(want[0]);
    expect(lines[1].trim().split(/\s+/)).toEqual(want[1].trim().split(/\s+/));
    expect(lines[2]).toMatch(/^-+$/);
    expect(lines[2].length).toBe(lines[1].length);
    expect(r.stdout).toContain("sh -c trap 'echo got TERM; exit 0' TERM; while true; do sleep 1; done");
  });

  it('kill -s with a bad signal: Docker\'s error in 1.29\'s lines', () => same('kill_bad_signal'));

  it('kill -s TERM: the container gets the signal and, without restart:, stays down as in 1.29', async () => {
    const before = (await webContainer())!.Id;
    await same('kill_term');
    const logs = await eventually(async () => {
      const c = await docker.getContainer(before).inspect();
      return !c.State.Running && (await docker.getContainer(before).logs({ stdout: true, stderr: true })).toString();
    }, 'the killed container to stop');
    expect(logs).toContain('got TERM');
    // `ps` shows the ended container, as 1.29's does; nothing replaces it (restart policy none).
    await eventually(async () => /_web_1 .*Exit 0/.test((await compose(['ps'])).stdout), 'ps to show web_1 Exit 0');
    const spec = (await (await fetch(`http://${m.host}/v1.41/services/${project}_web`)).json()) as { Spec: { TaskTemplate: { RestartPolicy: unknown } } };
    expect(spec.Spec.TaskTemplate.RestartPolicy).toMatchObject({ Condition: 'none' });
  });

  it('restart: the ended container runs again (in place, as 1.29: the same container), and answers exec', async () => {
    const ended = (await containersOf(project)).filter((c) => c.Labels['com.docker.compose.service'] === 'web').map((c) => c.Id);
    expect(ended).toHaveLength(1);
    await same('restart');
    expect((await eventually(webContainer, 'web running after restart')).Id).toBe(ended[0]);
    await eventually(async () => (await compose(['exec', '-T', 'web', 'true'])).code === 0, 'web to answer exec');
  });

  it('killed again: `up -d`, then `start`, run it again with 1.29\'s lines', async () => {
    for (const [kill, verb] of [
      ['kill_again', 'up_after_kill'],
      ['kill_once_more', 'start_after_kill'],
    ]) {
      const before = (await webContainer())!.Id;
      await same(kill);
      await eventually(async () => /_web_1 .*Exit 137/.test((await compose(['ps'])).stdout), 'ps to show web_1 Exit 137');
      await same(verb);
      // The same container started again, as 1.29 starts a stopped one.
      await eventually(async () => {
        const c = await webContainer();
        return c?.Id === before && /_web_1 .*Up/.test((await compose(['ps'])).stdout);
      }, `web running again in the same container after ${verb}`);
    }
  });

  describe('what the relay refuses', () => {
    let nodeId: string;
    let stranger: string;
    const api = (method: string, path: string, body?: unknown) =>
      fetch(`http://${m.host}${path}`, {
        method,
        headers: { 'x-flotilla-node': nodeId, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });

    beforeAll(async () => {
      nodeId = ((await (await fetch(`http://${m.host}/v1.41/info`)).json()) as { Swarm: { NodeID: string } }).Swarm.NodeID;
      // A container of this test that is no task: the relay must not reach it.
      const c = await docker.createContainer({ Image: 'flotilla/busybox:latest', Cmd: ['sleep', '600'], Labels: { 'com.docker.compose.project': project } });
      await c.start();
      stranger = c.id;
    });

    it('a container that is no task of the node', async () => {
      const r = await api('POST', `/v1.41/containers/${stranger}/exec`, { Cmd: ['true'] });
      expect(r.status).toBe(403);
      expect(((await r.json()) as { message: string }).message).toMatch(/is not a task container of node/);
      expect((await api('POST', `/v1.41/containers/${stranger}/kill`)).status).toBe(403);
      expect((await docker.getContainer(stranger).inspect()).State.Running).toBe(true);
    });

    it('a privileged exec in a task container', async () => {
      const r = await api('POST', `/v1.41/containers/${(await webContainer())!.Id}/exec`, { Cmd: ['true'], Privileged: true });
      expect(r.status).toBe(403);
      expect(((await r.json()) as { message: string }).message).toBe('privileged exec is not allowed through the relay');
    });

    it('removing a task container', async () => {
      const r = await api('DELETE', `/v1.41/containers/${(await webContainer())!.Id}?force=1`);
      expect(r.status).toBe(403);
    });

    it('a route it does not serve, and a privileged one-off', async () => {
      expect((await api('GET', '/v1.41/containers/json')).status).toBe(404);
      expect((await api('POST', '/v1.41/images/create?fromImage=x')).status).toBe(404);
      const r = await api('POST', '/v1.41/containers/create', {
        Image: 'flotilla/busybox:latest',
        Labels: { 'com.docker.compose.oneoff': 'True', 'com.docker.compose.project': project },
        HostConfig: { Privileged: true },
      });
      expect(r.status).toBe(403);
      expect(((await r.json()) as { message: string }).message).toBe('HostConfig.Privileged is not allowed through the relay');
    });

    it('a node that is not connected', async () => {
      const r = await fetch(`http://${m.host}/v1.41/containers/x/json`, { headers: { 'x-flotilla-node': 'nosuchnode' } });
      expect(r.status).toBe(503);
    });
  });

  it('start with one of two web containers killed starts that one only, in place, as 1.29: both keep their containers', async () => {
    const up = await compose(['up', '-d', '--scale', 'web=2']);
    expect(up.code, up.stderr).toBe(0);
    const webs = async () => (await containersOf(project, false)).filter((c) => c.Labels['com.docker.compose.service'] === 'web' && c.State === 'running');
    await eventually(async () => (await webs()).length === 2, 'two web containers');
    const [kept, killed] = await webs();
    await docker.getContainer(killed.Id).kill();
    await eventually(async () => /_web_\d .*Exit 137/.test((await compose(['ps'])).stdout), 'ps to show a web container Exit 137');
    const r = await compose(['start']);
    expect(r.code, r.stderr).toBe(0);
    await eventually(async () => (await webs()).length === 2, 'two web containers again');
    const ids = (await webs()).map((c) => c.Id);
    expect(ids.sort()).toEqual([kept.Id, killed.Id].sort());
  });
});
