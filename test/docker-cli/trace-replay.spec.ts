import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker as engine, purgeService } from '../support/docker';
import { ManagerProcess } from '../support/manager';
import { freePort } from '../support/ports';
import { argv, keyPaths, normalise, rename } from './trace-normalise';

/**
 * Replays /work/shared/docker-api/traces.jsonl: each command the stock docker
 * CLI ran against a real one-node swarm runs again against a real flotilla
 * manager; exit code and output must match once IDs, times and names are
 * normalised.
 */
const TRACE_DIR = process.env.FLOTILLA_TRACE_DIR ?? '/work/shared/docker-api';
interface Entry {
  command: string;
  exit: number;
  output: string;
}
const trace: Entry[] = readFileSync(join(TRACE_DIR, 'traces.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .map((l) => JSON.parse(l) as Entry);

type Mode =
  | 'lines' // the same lines (order-free: stdout and stderr interleave differently)
  | 'subset' // flotilla's lines all appear in the trace (dockerd also lists its local networks)
  | 'header' // a mid-rollout snapshot: same header, same number of columns per row
  | 'json' // the trace's key paths are present, minus `ignore`
  | 'exit'; // the server is not dockerd: only the exit code and `contains`

interface Check {
  mode: Mode;
  /** Output depends on convergence: retry until it matches (bounded). */
  settle?: boolean;
  contains?: string[];
  /** Key paths dockerd shows that flotilla has no equivalent for (why in `IGNORED`). */
  ignore?: RegExp;
  /** Not replayable against one flotilla manager; the reason. */
  skip?: string;
}

/**
 * Fields only dockerd has: engine plugins and TLS material (flotilla has no CA),
 * VIPs and vxlan ids (flotilla's overlay has neither IPVS nor VXLAN ids), IPAM
 * subnets (allocated by the overlay agent, not at create), Isolation (Windows).
 */
const IGNORED = /Plugins|TLSInfo|VirtualIPs|vxlanid_list|IPAM\.Config\[\]|Isolation|\.Engine\.Labels/;

const CHECKS: Record<string, Check> = {
  'docker version': { mode: 'exit', contains: ['Server:', '1.41 (minimum version 1.12)'] },
  'docker info': { mode: 'exit', contains: ['Swarm: active', 'Is Manager: true', 'Managers: 1'] },
  'docker node inspect self': { mode: 'json', ignore: IGNORED },
  'docker service inspect web': { mode: 'json', ignore: IGNORED },
  'docker network inspect net1': { mode: 'json', ignore: IGNORED },
  'docker info --format {{json .Swarm}}': { mode: 'json', ignore: IGNORED },
  'docker network ls': { mode: 'subset' },
  // Recorded in the middle of the env-add rollout: which slot is being replaced is timing.
  'docker service ps --no-trunc web': { mode: 'header' },
  'docker stack services st': { mode: 'lines', settle: true },
  'docker stack ps st': { mode: 'lines', settle: true },
  'docker service ps imp': { mode: 'lines', settle: true },
  // Recorded while the forced update ran; the update status block comes and goes with timing.
  'docker service inspect --pretty hc': { mode: 'exit', contains: ['Name:\t\thc', 'UpdateConfig:', ' Parallelism:\t2', 'RollbackConfig:', ' Test = CMD-SHELL'] },
  ...Object.fromEntries(
    ['docker node rm self', 'docker node update --label-add zone=a self', 'docker node update --availability drain self', 'docker node update --availability active self'].map((c) => [
      c,
      { mode: 'lines', skip: 'dockerd 404s /nodes/self; flotilla resolves it because its own CLI (apps/cli) sends it: diverges until that CLI resolves self itself' },
    ]),
  ),
  'docker swarm leave --force': {
    mode: 'lines',
    skip: 'it stops the manager this replay talks to, as it stops dockerd\'s swarm; test/cluster/leave.spec.ts checks it against a manager of its own',
  },
  'docker swarm init --advertise-addr 127.0.0.1': { mode: 'lines', skip: 'follows swarm leave, skipped above (leave.spec.ts: a fresh init shows no old service)' },
};

function dockerCli(host: string, args: string[], cwd: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('docker', args, { cwd, env: { ...process.env, DOCKER_HOST: `tcp://${host}` }, timeout: 120_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, out: stdout + stderr });
    });
  });
}

const suffix = `p${process.pid}`;
const NAMES = ['web', 'glob', 'imp', 'hc', 'st', 'net1', 's1', 'c1'];
const SERVICES = ['web', 'glob', 'imp', 'hc', 'st_web', 'st_worker'].map((n) => n.replace(/^(\w+?)(_|$)/, `$1${suffix}$2`));

describe('the docker CLI trace, replayed against flotilla', () => {
  let m: ManagerProcess;
  let cwd: string;
  let nodeId = '';
  const ports = new Map<string, string>();
  const host = hostname();

  beforeAll(async () => {
    // The trace's image; images cannot be pulled here.
    await engine.getImage('flotilla/busybox:latest').tag({ repo: 'local/busybox', tag: 'latest' });
    // Published ports other runs on this machine may hold: this run's own.
    ports.set('8080', String(await freePort()));
    ports.set('8081', String(await freePort()));
    cwd = mkdtempSync(join(tmpdir(), 'flotilla-trace-'));
    writeFileSync(join(cwd, 'token.txt'), 's3cret\n');
    writeFileSync(join(cwd, 'stack.yml'), rename(readFileSync(join(TRACE_DIR, 'stack.yml'), 'utf8'), [], suffix, ports));
    m = await ManagerProcess.create();
    nodeId = JSON.parse((await dockerCli(m.host, ['node', 'inspect', 'self'], cwd)).out)[0].ID as string;
  });

  afterAll(async () => {
    for (const s of SERVICES) await dockerCli(m.host, ['service', 'rm', s], cwd);
    await dockerCli(m.host, ['stack', 'rm', `st${suffix}`], cwd);
    await m?.destroy();
    for (const s of SERVICES) await purgeService(s);
    for (const n of await engine.listNetworks({ filters: { name: [`st${suffix}_`] } })) await engine.getNetwork(n.Id).remove().catch(() => undefined);
    rmSync(cwd, { recursive: true, force: true });
  });

  // The trace's node id is the one node of its swarm: here, this manager's node.
  const recordedNode = /6npdu1qm6ji089n0s8q40jufd/g;

  for (const entry of trace) {
    const check = CHECKS[entry.command] ?? { mode: 'lines' };
    const title = `${entry.command} (exit ${entry.exit})`;
    if (check.skip) {
      it.skip(`${title}: ${check.skip}`, () => undefined);
      continue;
    }
    it(title, async () => {
      const cmd = rename(entry.command.replace(recordedNode, nodeId), NAMES, suffix, ports);
      const expected = rename(entry.output, NAMES, suffix, ports);
      const deadline = Date.now() + (check.settle ? 60_000 : 0);
      for (;;) {
        const r = await dockerCli(m.host, argv(cmd), cwd);
        const failure = compare(check, entry.exit, expected, r, host);
        if (!failure) return;
        if (Date.now() >= deadline) expect.fail(`${cmd}\n${failure}\n--- got (exit ${r.code}):\n${r.out}\n--- recorded:\n${expected}`);
        await new Promise((res) => setTimeout(res, 1000));
      }
    });
  }
});

/** Why the live output does not match the recorded one, or undefined. */
function compare(check: Check, exit: number, expected: string, r: { code: number; out: string }, host: string): string | undefined {
  if (r.code !== exit) return `exit ${r.code}, recorded ${exit}`;
  const got = normalise(r.out, host);
  const want = normalise(expected, 'vm');
  switch (check.mode) {
    case 'exit': {
      const missing = (check.contains ?? []).filter((c) => !r.out.includes(c));
      return missing.length ? `missing ${JSON.stringify(missing)}` : undefined;
    }
    case 'lines': {
      const a = [...got].sort().join('\n');
      const b = [...want].sort().join('\n');
      return a === b ? undefined : 'lines differ';
    }
    case 'subset': {
      if (got[0] !== want[0]) return 'header differs';
      const extra = got.filter((l) => !want.includes(l));
      return extra.length ? `lines not in the trace: ${JSON.stringify(extra)}` : undefined;
    }
    case 'header': {
      if (got[0] !== want[0]) return 'header differs';
      const cols = (l: string) => l.replace(/\\_ /, '').split(' ').length;
      const bad = got.slice(1).filter((l) => Math.abs(cols(l) - cols(want[1])) > 2);
      return bad.length ? `rows of another shape: ${JSON.stringify(bad)}` : undefined;
    }
    case 'json': {
      let live: unknown;
      try {
        live = JSON.parse(r.out);
      } catch {
        return 'not JSON';
      }
      const have = keyPaths(live);
      const missing = [...keyPaths(JSON.parse(expected))].filter((p) => !have.has(p) && !check.ignore?.test(p));
      return missing.length ? `key paths missing: ${missing.join(', ')}` : undefined;
    }
  }
}
