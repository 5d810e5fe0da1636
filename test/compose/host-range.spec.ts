import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { flotilla, runCommand, type CliResult } from '../support/cli';
import { docker, eventually, purgeProject } from '../support/docker';
import { httpGet } from '../support/http';
import { ManagerProcess } from '../support/manager';

/**
 * A host port range onto one container port (`ports: ["A-B:80"]`) run by docker-compose 1.29 and by
 * `flotilla compose` on the same engine, each on a range of its own: a `run --service-ports` one-off takes
 * the first free port; with `--scale web=2` each container gets one free port of the range (its own `ps`
 * binding, `port --index N`, answering with its own page), again after `restart` (the engine may swap
 * them); a third finds none left and fails to start, with the engine's words in both; `scale` back to two
 * and `down` leave the two, then nothing.
 * Which container gets which port is the engine's pick as the containers start (in parallel, in both
 * tools), so ports are compared as sets, and each row's with that container's `port --index`.
 */
const tag = String(process.pid % 1000).padStart(3, '0');
// Same length, so the tables line up once the project name is swapped.
const P = { dc: `hrd${tag}`, fl: `hrf${tag}` } as const;
const DIR = join(__dirname, 'fixtures', 'host-range');
const FILE = join(DIR, 'docker-compose.yml');
type Tool = keyof typeof P;

/** True when nothing listens on `port` (all addresses, as the engine binds). */
const free = (port: number) =>
  new Promise<boolean>((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, () => s.close(() => resolve(true)));
  });

/** Two consecutive free ports, away from the ephemeral range and from `avoid`. */
async function freeRange(avoid: number[] = []): Promise<number> {
  for (;;) {
    const start = 20000 + Math.floor(Math.random() * 9000) * 2;
    if (avoid.some((a) => Math.abs(a - start) < 4)) continue;
    if ((await free(start)) && (await free(start + 1))) return start;
  }
}

describe('a host port range onto one container port, side by side with docker-compose 1.29', () => {
  let m: ManagerProcess;
  const start = { dc: 0, fl: 0 };
  const env = (t: Tool) => ({ RANGE: `${start[t]}-${start[t] + 1}` });
  const dc = (...args: string[]) => runCommand('docker-compose', ['-f', FILE, '-p', P.dc, ...args], { cwd: DIR, env: { ...process.env, ...env('dc') }, timeoutMs: 150_000 });
  const fl = (...args: string[]) => flotilla(['compose', '-f', FILE, '-p', P.fl, ...args], { ...m.cliEnv, ...env('fl'), FLOTILLA_WAIT_TIMEOUT: '60' }, { cwd: DIR, timeoutMs: 150_000 });
  const tool = { dc, fl };
  const both = async (...args: string[]) => ({ dc: await dc(...args), fl: await fl(...args) });

  /** Project names and the two ports of the range made equal: A is the range's first port, B its second. */
  const norm = (t: Tool, s: string) =>
    s
      .replaceAll(P[t], 'P')
      .replaceAll(String(start[t] + 1), 'B')
      .replaceAll(String(start[t]), 'A')
      .replace(/\r/g, '')
      .replace(/\b[0-9a-f]{64}\b/g, 'ID64');
  /** `ps` rows: name, state and the Ports cell (IPv4 and IPv6 bindings, as the engine publishes). */
  const psRows = (t: Tool, r: CliResult) =>
    norm(t, r.stdout)
      .split('\n')
      .slice(2)
      .filter(Boolean)
      .map((l) => l.trimEnd().split(/\s{3,}/))
      .map((cells) => {
        const at = cells.findIndex((c, i) => i > 0 && /^(Up|Exit -?\d+|Rejected|Pending)/.test(c));
        return { name: cells[0], command: cells.slice(1, at).join(' '), state: cells[at] ?? '?', ports: cells[at + 1] ?? '' };
      });
  const port = async (t: Tool, index: number) => {
    const r = await tool[t]('port', '--index', String(index), 'web', '80');
    return { code: r.code, out: norm(t, r.stdout).trim(), err: norm(t, r.stderr).trim() };
  };

  beforeAll(async () => {
    for (const p of Object.values(P)) await purgeProject(p);
    m = await ManagerProcess.create();
    start.dc = await freeRange();
    start.fl = await freeRange([start.dc]);
  });
  afterAll(async () => {
    await dc('down').catch(() => undefined);
    await fl('down').catch(() => undefined);
    await m?.destroy();
    for (const p of Object.values(P)) await purgeProject(p);
  });

  it('run --service-ports web: the one-off binds the range\'s first free port, as 1.29\'s', async () => {
    // Attached (flotilla's run has no -d): it serves for a few seconds while the test looks, then ends.
    const cmd = ['run', '--rm', '-T', '--service-ports', 'web', 'sh', '-c', 'mkdir -p /www && echo one-off > /www/index.html && httpd -p 80 -h /www && sleep 6'];
    const runs = { dc: dc(...cmd), fl: fl(...cmd) };
    for (const t of ['dc', 'fl'] as const) {
      const c = await eventually(async () => (await docker.listContainers({ filters: { label: [`com.docker.compose.project=${P[t]}`, 'com.docker.compose.oneoff=True'] } }))[0], `${t}'s one-off`);
      expect(new Set(c.Ports.filter((p) => p.PublicPort).map((p) => p.PublicPort))).toEqual(new Set([start[t]]));
      expect((await eventually(() => httpGet(`http://127.0.0.1:${start[t]}/`), `${t}'s one-off on its port`)).body).toBe('one-off\n');
    }
    const r = { dc: await runs.dc, fl: await runs.fl };
    expect([r.dc.code, r.fl.code], r.fl.stderr).toEqual([0, 0]);
  });

  it('up -d --scale web=2: both create two containers', async () => {
    const r = await both('up', '-d', '--scale', 'web=2');
    expect([r.dc.code, r.fl.code], r.fl.stderr).toEqual([0, 0]);
    const creating = (t: Tool) =>
      norm(t, r[t].stderr)
        .split('\n')
        .filter((l) => /^Creating P_/.test(l))
        .sort();
    expect(creating('fl')).toEqual(creating('dc'));
    // 1.29's warning for a host port on a service of more than one container, once, before its lines.
    const warning = 'The "web" service specifies a port on the host. If multiple containers for this service are created on a single host, the port will clash.';
    for (const t of ['dc', 'fl'] as const) expect(norm(t, r[t].stderr).split('\n').filter((l) => l === warning)).toHaveLength(1);
  });

  it('ps: each container shows the one port of the range it got, the two ports between them', async () => {
    const rows = await eventually(
      async () => {
        const r = await both('ps');
        const x = { dc: psRows('dc', r.dc), fl: psRows('fl', r.fl) };
        return x.fl.every((row) => row.ports !== '') && x.fl.length === 2 ? x : undefined;
      },
      'flotilla ps to show both ports',
    );
    for (const t of ['dc', 'fl'] as const) {
      expect(rows[t].map((r) => [r.name, r.state])).toEqual([
        ['P_web_1', 'Up'],
        ['P_web_2', 'Up'],
      ]);
      // Each container one port of the range, on every address (IPv4 and IPv6, as the engine binds).
      expect(rows[t].map((r) => r.ports).sort()).toEqual(['0.0.0.0:A->80/tcp,:::A->80/tcp', '0.0.0.0:B->80/tcp,:::B->80/tcp']);
    }
    expect(rows.fl.map((r) => r.command)).toEqual(rows.dc.map((r) => r.command));
  });

  it("port and port --index N: the port that container got, as its ps row shows; both answer, each with its own container's page", async () => {
    for (const t of ['dc', 'fl'] as const) {
      const ps = psRows(t, await tool[t]('ps'));
      const answers = [await port(t, 1), await port(t, 2)];
      expect(answers.map((a) => a.code)).toEqual([0, 0]);
      expect(answers.map((a) => a.out).sort()).toEqual(['0.0.0.0:A', '0.0.0.0:B']);
      // Without --index: the first container's.
      const plain = await tool[t]('port', 'web', '80');
      expect({ code: plain.code, out: norm(t, plain.stdout).trim() }).toEqual({ code: 0, out: answers[0].out });
      answers.forEach((a, i) => expect(ps[i].ports).toContain(`${a.out}->80/tcp`));
      const pages = new Set<string>();
      for (const p of [start[t], start[t] + 1]) pages.add((await eventually(() => httpGet(`http://127.0.0.1:${p}/`), `${t} on ${p}`)).body);
      expect(pages.size).toBe(2);
    }
  });

  it('restart: each container binds a port of the range again (the engine may swap them); ps and port --index follow', async () => {
    const r = await both('restart', '-t', '1');
    expect([r.dc.code, r.fl.code], r.fl.stderr).toEqual([0, 0]);
    for (const t of ['dc', 'fl'] as const) {
      /** What the engine bound for container N of the project, as `port` and `ps` should say it. */
      const bound = async (n: number) => {
        const [c] = await docker.listContainers({ filters: { label: [`com.docker.compose.project=${P[t]}`, `com.docker.compose.container-number=${n}`], status: ['running'] } });
        const p = c?.Ports.find((x) => x.PublicPort);
        return p ? `0.0.0.0:${p.PublicPort}` : undefined;
      };
      await eventually(
        async () => {
          const ps = psRows(t, await tool[t]('ps'));
          for (const n of [1, 2]) {
            const want = norm(t, (await bound(n)) ?? 'none');
            if ((await port(t, n)).out !== want || !ps[n - 1]?.ports.startsWith(`${want}->80/tcp`)) return false;
          }
          return true;
        },
        `${t}'s port and ps to follow the engine's bindings after restart`,
        30_000,
      );
    }
  });

  it('up -d --scale web=3: the third container finds no free port left and fails to start, up fails; the two keep theirs', async () => {
    const r = await both('up', '-d', '--scale', 'web=3');
    expect([r.dc.code, r.fl.code]).toEqual([1, 1]);
    // The engine's words, in both: `driver failed programming external connectivity on endpoint NAME (ID): all ports are allocated`.
    const reason = (t: Tool) => /driver failed programming external connectivity on endpoint \S+ \(ID64\): all ports are allocated/.exec(norm(t, r[t].stderr))?.[0].replace(/endpoint \S+/, 'endpoint X');
    expect(reason('fl')).toBeDefined();
    expect(reason('fl')).toEqual(reason('dc'));
    // The same lines otherwise: warning, the third's line, the port's warning, error, both ERROR blocks, the summary.
    const lines = (t: Tool) => norm(t, r[t].stderr).replace(/endpoint \S+ \(ID64\)/g, 'endpoint X (ID64)');
    expect(lines('fl')).toEqual(lines('dc'));
    const rows = { dc: psRows('dc', await dc('ps')), fl: psRows('fl', await fl('ps')) };
    for (const t of ['dc', 'fl'] as const) {
      expect(rows[t].map((x) => x.name)).toEqual(['P_web_1', 'P_web_2', 'P_web_3']);
      expect(rows[t].slice(0, 2).map((x) => x.state)).toEqual(['Up', 'Up']);
      expect(rows[t].map((x) => x.ports).sort()).toEqual(['', '0.0.0.0:A->80/tcp,:::A->80/tcp', '0.0.0.0:B->80/tcp,:::B->80/tcp']);
      // Made but not started: the engine's exit 128, in both.
      expect(rows[t][2].state).toBe('Exit 128');
    }
    // No port for it: 1.29 finds no running container of that number, nor does flotilla.
    const third = { dc: await port('dc', 3), fl: await port('fl', 3) };
    expect(third.fl).toEqual(third.dc);
    expect(third.dc).toEqual({ code: 1, out: '', err: 'No container found for web_3' });
  });

  it('scale web=2: both succeed, the two keep their ports', async () => {
    const r = await both('scale', 'web=2');
    expect([r.dc.code, r.fl.code], r.fl.stderr).toEqual([0, 0]);
    // Both count running containers (two) and say `Desired container number already achieved`.
    expect(norm('fl', r.fl.stderr)).toEqual(norm('dc', r.dc.stderr));
    expect(r.fl.stderr).toContain('Desired container number already achieved\n');
    // Different: 1.29 keeps web_3 as `Exit 128`; flotilla's slot 3 is scaled away with its task that never ran.
    const rows = await eventually(async () => {
      const x = { dc: psRows('dc', await dc('ps')), fl: psRows('fl', await fl('ps')) };
      return x.fl.length === 2 ? x : undefined;
    }, 'flotilla ps to show two containers');
    for (const t of ['dc', 'fl'] as const) {
      const up = rows[t].filter((x) => x.state === 'Up');
      expect(up.map((x) => x.name)).toEqual(['P_web_1', 'P_web_2']);
      expect(up.map((x) => x.ports).sort()).toEqual(['0.0.0.0:A->80/tcp,:::A->80/tcp', '0.0.0.0:B->80/tcp,:::B->80/tcp']);
    }
  });

  it('down: both remove everything and free the ranges', async () => {
    const r = await both('down');
    expect([r.dc.code, r.fl.code]).toEqual([0, 0]);
    for (const t of ['dc', 'fl'] as const) {
      await eventually(async () => (await free(start[t])) && (await free(start[t] + 1)), `${t}'s range to be free`);
    }
  });
});
