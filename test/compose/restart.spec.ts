import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { flotilla, runCommand, type CliResult } from '../support/cli';
import { containersOf, docker, eventually, purgeProject } from '../support/docker';
import { ManagerProcess } from '../support/manager';

/**
 * `compose restart` restarts each container in place, as docker-compose 1.29 does
 * (`POST /containers/{id}/restart?t=N`): the same container ID, started again, `Up`; a stopped
 * (killed) container of a service without `restart:` too. Each step is run by 1.29 and by
 * `flotilla compose` (one-node cluster, through the manager's engine relay) on the same file, and compared.
 */
const tag = String(process.pid % 1000).padStart(3, '0');
// Same length, so the tables line up once the project name is swapped.
const P = { dc: `rsd${tag}`, fl: `rsf${tag}` } as const;
const DIR = join(__dirname, 'fixtures', 'restart');
const FILE = join(DIR, 'docker-compose.yml');
type Tool = keyof typeof P;
const TOOLS: Tool[] = ['dc', 'fl'];

/** What the engine says of a project's container of `service`. */
interface Seen {
  id: string;
  startedAt: string;
  running: boolean;
}

describe('compose restart keeps the container, side by side with docker-compose 1.29', () => {
  let m: ManagerProcess;
  const dc = (...args: string[]) => runCommand('docker-compose', ['-f', FILE, '-p', P.dc, ...args], { cwd: DIR, timeoutMs: 150_000 });
  const fl = (...args: string[]) => flotilla(['compose', '-f', FILE, '-p', P.fl, ...args], m.cliEnv, { cwd: DIR, timeoutMs: 150_000 });
  const both = async (...args: string[]): Promise<Record<Tool, CliResult>> => ({ dc: await dc(...args), fl: await fl(...args) });
  /** Exit code and stderr lines (1.29's parallel progress: in any order), project names swapped, `\r` dropped. */
  const same = (r: Record<Tool, CliResult>) => {
    const shape = (t: Tool) => ({
      exit: r[t].code,
      stderr: r[t].stderr.replaceAll(P[t], 'P').replace(/\r/g, '').split('\n').filter(Boolean).sort(),
    });
    expect(shape('fl')).toEqual(shape('dc'));
  };
  const states = async (t: Tool): Promise<string[]> => {
    const r = t === 'dc' ? await dc('ps') : await fl('ps');
    expect(r.code, r.stderr).toBe(0);
    return r.stdout
      .replaceAll(P[t], 'P')
      .split('\n')
      .slice(2)
      .filter(Boolean)
      .map((l) => {
        const cells = l.trimEnd().split(/\s{3,}/);
        return `${cells[0]} ${cells.find((c, i) => i > 0 && /^(Up|Exit -?\d+|Paused|Restarting)/.test(c)) ?? '?'}`;
      });
  };
  /** Waits until both tools' `ps` shows `want` (names and states). */
  const psReaches = (want: string[]) =>
    eventually(async () => {
      for (const t of TOOLS) if (JSON.stringify(await states(t)) !== JSON.stringify(want)) return false;
      return true;
    }, `ps to show ${want.join(', ')}`).catch(async (e) => {
      expect({ dc: await states('dc'), fl: await states('fl') }).toEqual({ dc: want, fl: want });
      throw e;
    });
  const seen = async (t: Tool, service: string): Promise<Seen[]> => {
    const out: Seen[] = [];
    for (const c of await containersOf(P[t])) {
      if (c.Labels['com.docker.compose.service'] !== service) continue;
      const info = await docker.getContainer(c.Id).inspect();
      out.push({ id: info.Id, startedAt: info.State.StartedAt, running: info.State.Running });
    }
    return out;
  };

  beforeAll(async () => {
    for (const p of Object.values(P)) await purgeProject(p);
    m = await ManagerProcess.create();
    const up = await both('up', '-d');
    expect([up.dc.code, up.fl.code], up.fl.stderr).toEqual([0, 0]);
    await psReaches(['P_stubborn_1 Up', 'P_web_1 Up']);
  });

  afterAll(async () => {
    await dc('down').catch(() => undefined);
    if (m) await fl('down').catch(() => undefined);
    await m?.destroy();
    for (const p of Object.values(P)) await purgeProject(p);
  });

  it('restart -t 0: every container keeps its ID, is started again and Up; 1.29\'s lines; -t reaches the engine', async () => {
    const before = { dc: { web: await seen('dc', 'web'), stubborn: await seen('dc', 'stubborn') }, fl: { web: await seen('fl', 'web'), stubborn: await seen('fl', 'stubborn') } };
    const dcRun = await dc('restart', '-t', '0');
    const t0 = Date.now();
    const flRun = await fl('restart', '-t', '0');
    // stubborn ignores TERM: the engine kills it at once (`-t 0`), not after the default 10 s.
    expect(Date.now() - t0).toBeLessThan(9_000);
    same({ dc: dcRun, fl: flRun });
    expect(flRun.stderr).toMatch(/Restarting rsf\d{3}_web_1 +\.\.\. done/);
    for (const t of TOOLS) {
      for (const service of ['web', 'stubborn'] as const) {
        const was = before[t][service];
        const now = await seen(t, service);
        expect(was).toHaveLength(1);
        // The same container, started again after it first started.
        expect(now.map((c) => c.id), `${t} ${service}`).toEqual([was[0].id]);
        expect(now[0].running).toBe(true);
        expect(Date.parse(now[0].startedAt)).toBeGreaterThan(Date.parse(was[0].startedAt));
      }
    }
    await psReaches(['P_stubborn_1 Up', 'P_web_1 Up']);
    // And it stays so: the worker did not take the container's stop for its task's end.
    await new Promise((r) => setTimeout(r, 2000));
    expect(await states('fl')).toEqual(['P_stubborn_1 Up', 'P_web_1 Up']);
  });

  it('restarted again and again: the worker never takes the stop in between for the task\'s end', async () => {
    const [first] = await seen('fl', 'web');
    for (let round = 1; round <= 5; round++) {
      const r = await fl('restart', '-t', '0', 'web');
      expect({ round, exit: r.code, stderr: r.stderr.replace(/\r/g, '').replaceAll(P.fl, 'P') }).toEqual({ round, exit: 0, stderr: 'Restarting P_web_1 ... \nRestarting P_web_1 ... done\n' });
      expect((await states('fl'))[1]).toBe('P_web_1 Up');
    }
    expect((await seen('fl', 'web')).map((c) => c.id)).toEqual([first.id]);
  });
  it('a killed container of a service without restart: is restarted in place (the same ID), Up again, as 1.29', async () => {
    same(await both('kill', 'web'));
    await psReaches(['P_stubborn_1 Up', 'P_web_1 Exit 137']);
    const before = { dc: await seen('dc', 'web'), fl: await seen('fl', 'web') };
    same(await both('restart', 'web'));
    for (const t of TOOLS) {
      const now = await seen(t, 'web');
      expect(now.map((c) => c.id), t).toEqual(before[t].map((c) => c.id));
      expect(now[0].running, t).toBe(true);
      expect(Date.parse(now[0].startedAt)).toBeGreaterThan(Date.parse(before[t][0].startedAt));
    }
    await psReaches(['P_stubborn_1 Up', 'P_web_1 Up']);
    await new Promise((r) => setTimeout(r, 2000));
    expect(await states('fl')).toEqual(['P_stubborn_1 Up', 'P_web_1 Up']);
    // Nothing else started for it: one container of web, still the same.
    expect((await seen('fl', 'web')).map((c) => c.id)).toEqual(before.fl.map((c) => c.id));
  });

});
