/**
 * Conformance against the oracle: docker-compose 1.29 (`docker-compose config`)
 * and this library read the same files (the shared corpus and our fixtures);
 * the normalised services must agree. Files where we deliberately differ are
 * listed in DEVIATIONS (and in README.md).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import fc from 'fast-check';
import yaml from 'js-yaml';
import { ComposeError, loadProject, renderConfig129, serviceNames, type ComposeProject } from './index';
import { shellSplit } from './shlex';
import { parseDuration, parseSize } from './units';

const ROOT = resolve(__dirname, '../../..');
const CORPUS = resolve(ROOT, '../shared/compose-corpus');
const FIXTURES = resolve(__dirname, '../fixtures/conformance');
const ORACLE = '/usr/bin/docker-compose';

/**
 * Every file where flotilla's answer is not 1.29's, with what flotilla does (accepts or refuses) and why
 * (fixtures/conformance/deviations.json, also in README.md). The test checks each one still differs,
 * and that no other file does.
 */
const DEVIATIONS_DOC = JSON.parse(readFileSync(join(FIXTURES, 'deviations.json'), 'utf8')) as {
  files: Record<string, { oursOk: boolean; why: string }>;
  /** Rules the comparison applies to 1.29's answer before comparing, each named here with why (none other). */
  rules: Record<string, string>;
  /** Files both accept where `flotilla compose config` does not print 1.29's text byte for byte, with why. */
  configText: Record<string, string>;
};
const DEVIATIONS = DEVIATIONS_DOC.files;

/**
 * This run's own directory for the cases it writes (generated, v1, dotenv): two runs at once must not
 * write into each other's files. Removed after the run. The oracle's cache sees it as RUN_MARK, so its
 * answers stay valid from one run's directory to the next.
 */
const RUN_DIR = mkdtempSync(join(tmpdir(), 'flotilla-conformance-'));
const RUN_MARK = '<conformance-run-dir>';
const marked = (s: string) => s.split(RUN_DIR).join(RUN_MARK);
afterAll(() => rmSync(RUN_DIR, { recursive: true, force: true }));
const rule = (name: string) => {
  if (!DEVIATIONS_DOC.rules[name]) throw new Error(`comparison rule ${name} is not listed in deviations.json`);
  return true;
};

interface Case {
  id: string;
  dir: string;
  /** -f arguments, relative to dir; empty = default discovery. */
  files: string[];
  env: Record<string, string>;
  /** What 1.29 answered when the fixture was written (case.json `oracle`): checked against the live oracle. */
  oracleVerdict?: 'accepts' | 'rejects';
}

function walk(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const baseEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' };

function cases(): Case[] {
  const out: Case[] = [];
  for (const f of walk(CORPUS).filter((p) => /\.ya?ml$/.test(p)).sort()) {
    out.push({ id: relative(CORPUS, f), dir: dirname(f), files: [basename(f)], env: {} });
  }
  // flotilla's own compose files (the examples and the top-level one).
  for (const f of [join(ROOT, 'docker-compose.yml'), ...walk(join(ROOT, 'compose-examples')).filter((p) => /docker-compose\.ya?ml$/.test(p))].filter(existsSync).sort()) {
    out.push({ id: `repo/${relative(ROOT, f)}`, dir: dirname(f), files: [basename(f)], env: {} });
  }
  for (const f of walk(FIXTURES).filter((p) => /(^|\/)docker-compose\.yml$/.test(p)).sort()) {
    const dir = dirname(f);
    const meta = existsSync(join(dir, 'case.json')) ? (JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as { env?: Record<string, string>; files?: string[]; oracle?: 'accepts' | 'rejects' }) : {};
    out.push({ id: relative(resolve(FIXTURES, '..'), f), dir, files: meta.files ?? [], env: meta.env ?? {}, ...(meta.oracle ? { oracleVerdict: meta.oracle } : {}) });
  }
  return out;
}

/**
 * Differential cases: random but valid projects (fixed seed, so failures repeat),
 * written with every string quoted (YAML 1.1 and 1.2 then read them alike).
 */
function generatedCases(n: number): Case[] {
  const ident = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);
  // Plain text, sometimes with an interpolation 1.29 also knows ($$ is a literal $).
  const str = fc.oneof(
    { weight: 4, arbitrary: fc.stringMatching(/^[A-Za-z0-9 ._/-]{0,10}$/) },
    { weight: 1, arbitrary: fc.constantFrom('${GV}', '$GV-x', '${GV:-dflt}', '${GV-dash}', '${UNSET_GV:-d}', 'a$${LIT}b', '${GV?needed}', 'x${EMPTY_GV:-e}y', '${EMPTY_GV-kept}') },
  );
  const port = fc.oneof(
    fc.integer({ min: 1, max: 65535 }).map(String),
    fc.tuple(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 1, max: 65535 })).map(([a, b]) => `${a}:${b}`),
    fc.tuple(fc.integer({ min: 1, max: 60000 }), fc.integer({ min: 1, max: 60000 }), fc.integer({ min: 0, max: 3 })).map(([a, b, k]) => `${a}-${a + k}:${b}-${b + k}/udp`),
    fc.tuple(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 1, max: 65535 })).map(([a, b]) => `127.0.0.1:${a}:${b}`),
    fc.tuple(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 1, max: 65535 })).map(([a, b]) => ({ target: a, published: b })),
  );
  const volume = fc.oneof(
    fc.constantFrom('data:/data', 'data:/ro:ro', './rel:/rel', '/abs:/abs:ro', '/anon', '../up:/up:rw'),
    fc.constant({ type: 'bind', source: './long', target: '/long', read_only: true }),
    fc.constant({ type: 'volume', source: 'data', target: '/vol' }),
  );
  const service = (others: string[]) =>
    fc.record(
      {
        image: fc.constantFrom('busybox', 'nginx:1.25', 'registry.local:5000/a/b:1'),
        command: fc.oneof(fc.array(str, { maxLength: 3 }), fc.constantFrom('echo hi', 'sh -c "a b"', "run 'x y' z")),
        entrypoint: fc.oneof(fc.array(str, { minLength: 1, maxLength: 2 }), fc.constantFrom('/bin/sh -c')),
        environment: fc.oneof(
          fc.dictionary(fc.stringMatching(/^[A-Z][A-Z_]{0,5}$/), str, { maxKeys: 3 }),
          fc.array(fc.tuple(fc.stringMatching(/^[A-Z][A-Z_]{0,5}$/), str).map(([k, v]) => `${k}=${v}`), { maxLength: 3 }),
        ),
        labels: fc.dictionary(fc.stringMatching(/^[a-z][a-z.]{0,6}$/), str, { maxKeys: 2 }),
        ports: fc.uniqueArray(port, { maxLength: 3, selector: (p) => JSON.stringify(p) }),
        volumes: fc.uniqueArray(volume, { maxLength: 3, selector: (v) => (typeof v === 'string' ? v.split(':')[1] ?? v : v.target) }),
        networks: fc.oneof(fc.constant(['front']), fc.constant({ front: { aliases: ['alias1'] }, back: null })),
        expose: fc.uniqueArray(fc.constantFrom('80', '443/tcp', '53/udp', '9000-9001'), { maxLength: 2 }),
        // (disable: true is left to the fixtures: merged with a base healthcheck, 1.29 and flotilla differ on purpose.)
        healthcheck: fc.record({ test: fc.constantFrom('true', ['CMD', 'true'], ['CMD-SHELL', 'exit 0']), interval: fc.constantFrom('5s', '1m30s', '250ms'), retries: fc.nat(5), timeout: fc.constantFrom('1s', '2m') }, { requiredKeys: ['test'] }),
        stop_grace_period: fc.constantFrom('10s', '1m'),
        depends_on: others.length ? fc.subarray(others, { minLength: 1 }) : fc.constant(undefined),
        extends: others.length ? fc.constantFrom(...others) : fc.constant(undefined),
        deploy: fc.record(
          {
            replicas: fc.nat(4),
            resources: fc.record({ limits: fc.record({ cpus: fc.constantFrom('0.5', '2'), memory: fc.constantFrom('64M', '1G', '512k') }) }),
            restart_policy: fc.record({ condition: fc.constantFrom('any', 'none', 'on-failure'), max_attempts: fc.nat(5) }, { requiredKeys: ['condition'] }),
            placement: fc.record({ constraints: fc.constantFrom(['node.role == worker'], ['node.labels.zone == a', 'node.role == manager']) }),
          },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: ['image'] },
    );
  const project = fc
    .uniqueArray(ident, { minLength: 1, maxLength: 4 })
    .chain((names) => fc.tuple(fc.constantFrom('2.4', '3.8', undefined), ...names.map((n, i) => service(names.slice(0, i)).map((s) => [n, s] as const))))
    .map(([version, ...svcs]) => ({
      ...(version ? { version } : {}),
      // A service that extends another gets no deploy: 1.29 then writes the extending service's deploy
      // settings into the base service too (a shared-dict bug flotilla does not copy; README).
      services: Object.fromEntries(svcs.map(([n, s]) => [n, Object.fromEntries(Object.entries(s).filter(([k, v]) => v !== undefined && !(k === 'deploy' && s.extends)))])),
      networks: { front: {}, back: {} },
      volumes: { data: {} },
    }));
  const dir = join(RUN_DIR, 'generated');
  mkdirSync(dir, { recursive: true });
  // v1 files: services at the top level, short syntax only, links to earlier services.
  const v1service = (others: string[]) =>
    fc.record(
      {
        image: fc.constantFrom('busybox', 'nginx:1.25'),
        command: fc.oneof(fc.array(str, { maxLength: 3 }), fc.constantFrom('echo hi', 'sh -c "a b"')),
        environment: fc.dictionary(fc.stringMatching(/^[A-Z][A-Z_]{0,5}$/), str, { maxKeys: 3 }),
        ports: fc.uniqueArray(fc.oneof(fc.integer({ min: 1, max: 65535 }).map(String), fc.tuple(fc.integer({ min: 1, max: 65535 }), fc.integer({ min: 1, max: 65535 })).map(([a, b]) => `${a}:${b}`)), { maxLength: 2 }),
        volumes: fc.uniqueArray(fc.constantFrom('./rel:/rel', '/abs:/abs:ro', '/anon'), { maxLength: 2, selector: (v) => v.split(':')[1] ?? v }),
        links: others.length ? fc.subarray(others.map((o) => `${o}:${o}-alias`), { minLength: 1 }) : fc.constant(undefined),
        expose: fc.uniqueArray(fc.constantFrom('80', '443'), { maxLength: 2 }),
      },
      { requiredKeys: ['image'] },
    );
  const v1project = fc
    .uniqueArray(ident, { minLength: 1, maxLength: 3 })
    .chain((names) => fc.tuple(...names.map((n, i) => v1service(names.slice(0, i)).map((s) => [n, Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined))] as const))))
    .map((svcs) => Object.fromEntries(svcs));
  const v1dir = join(RUN_DIR, 'v1');
  const v1cases = fc.sample(v1project, { seed: 1, numRuns: Math.ceil(n / 4) }).map((doc, i): Case => {
    const d = join(v1dir, `v1-${i}`);
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, 'docker-compose.yml'), yaml.dump(doc, { forceQuotes: true, quotingType: '"' }));
    return { id: `generated/v1-${i}`, dir: d, files: [], env: {} };
  });

  // Half of the cases also get an override file (found by both tools), re-defining some keys of some services.
  const withOverride = project.chain((doc) =>
    fc.tuple(
      fc.constant(doc),
      fc.option(
        fc.tuple(...Object.keys(doc.services).map((n) => fc.option(service([]), { nil: undefined }).map((s) => [n, s] as const))).map((pairs) => ({
          ...(doc.version ? { version: doc.version } : {}),
          services: Object.fromEntries(
            pairs
              .filter((p): p is readonly [string, NonNullable<(typeof p)[1]>] => p[1] !== undefined)
              .map(([n, s]) => [n, Object.fromEntries(Object.entries(s).filter(([k, v]) => v !== undefined && k !== 'depends_on' && k !== 'healthcheck' && k !== 'extends'))]),
          ),
        })),
        { nil: undefined },
      ),
    ),
  );
  return [...v1cases, ...fc.sample(withOverride, { seed: 20261123, numRuns: n }).map(([doc, over], i): Case => {
    const d = join(dir, `gen${i}`);
    mkdirSync(d);
    const dump = (x: unknown) => yaml.dump(x, { forceQuotes: true, quotingType: '"' });
    if (over) {
      // extends + override files: 1.29 extends from the first file's service, flotilla from the merged one (README).
      for (const svc of Object.values(doc.services)) delete (svc as Record<string, unknown>).extends;
    }
    writeFileSync(join(d, 'docker-compose.yml'), dump(doc));
    if (over) writeFileSync(join(d, 'docker-compose.override.yml'), dump(over));
    return { id: `generated/${i}${over ? '+override' : ''}`, dir: d, files: [], env: i % 3 ? { GV: `gv${i}`, EMPTY_GV: '' } : { EMPTY_GV: '' } };
  })];
}

/** Each .env file of the corpus as a project's .env, every variable it defines used in `environment:`. */
function dotenvCases(): Case[] {
  const dir = join(RUN_DIR, 'dotenv');
  const out: Case[] = [];
  for (const f of walk(CORPUS).filter((p) => /\/dotenv\/fixtures\/[^/]+\.env$/.test(p)).sort()) {
    const text = readFileSync(f, 'utf8');
    const names = [...new Set([...text.matchAll(/^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=/gm)].map((m) => m[1]))];
    if (!names.length) continue;
    const d = join(dir, basename(f, '.env'));
    mkdirSync(d, { recursive: true });
    writeFileSync(join(d, '.env'), text);
    const env = Object.fromEntries(names.map((n) => [n, `\${${n}}`]));
    writeFileSync(join(d, 'docker-compose.yml'), yaml.dump({ services: { s: { image: 'busybox', environment: env } } }, { forceQuotes: true, quotingType: '"' }));
    out.push({ id: `dotenv/${basename(f)}`, dir: d, files: [], env: {} });
  }
  return out;
}

/** `text`: 1.29's stdout as printed (for `config`, compared byte for byte). */
type OracleResult = { ok: true; doc: Record<string, unknown>; text?: string } | { ok: false; err: string };

/**
 * The oracle is slow (~1 s a file), so its answers are cached under
 * node_modules/.cache, keyed by everything they depend on: the oracle binary,
 * the arguments, the environment, the directory and the content of every file in it.
 */
const CACHE = resolve(ROOT, 'node_modules/.cache/flotilla-compose-oracle');

function cacheKey(c: Case, args: string[]): string {
  const h = createHash('sha256');
  h.update(JSON.stringify([statSync(ORACLE).mtimeMs, args, c.env, marked(c.dir)]));
  for (const f of walk(c.dir).sort()) h.update(`\0${marked(f)}\0`).update(readFileSync(f));
  return h.digest('hex');
}

async function oracle(c: Case, extra: string[] = []): Promise<OracleResult> {
  const args = [...c.files.flatMap((f) => ['-f', f]), 'config', ...extra];
  const key = join(CACHE, `${cacheKey(c, args)}.json`);
  try {
    const cached = JSON.parse(readFileSync(key, 'utf8').split(RUN_MARK).join(RUN_DIR)) as OracleResult;
    // Answers cached before the text was kept are asked again, once.
    if (!cached.ok || cached.text !== undefined) return cached;
  } catch {
    // not cached yet (or unreadable): ask the oracle
  }
  const result = await new Promise<OracleResult>((done) => {
    execFile(ORACLE, args, { cwd: c.dir, env: { ...baseEnv, ...c.env }, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) done({ ok: false, err: stderr || String(err) });
      else done({ ok: true, doc: extra.includes('--services') ? { services: stdout.split('\n').filter(Boolean) } : (unescape(yaml.load(stdout)) as Record<string, unknown>), text: stdout });
    });
  });
  try {
    mkdirSync(CACHE, { recursive: true });
    // Written whole then renamed: another run reading the same answer never sees half of it.
    const part = `${key}.${process.pid}.part`;
    writeFileSync(part, marked(JSON.stringify(result)));
    renameSync(part, key);
  } catch {
    // A read-only node_modules only costs speed.
  }
  return result;
}

function ours(c: Case): { ok: true; p: ComposeProject } | { ok: false; err: string } {
  try {
    const p = loadProject({ workingDir: c.dir, files: c.files.length ? c.files : undefined, env: { ...baseEnv, ...c.env } });
    return { ok: true, p };
  } catch (e) {
    if (e instanceof ComposeError) return { ok: false, err: e.message };
    throw e;
  }
}

// ---------------------------------------------------------------- canonical forms, written independently of the loader
/** `config` prints `$` as `$$` (so its output interpolates back); compare the values themselves. */
function unescape(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(/\$\$/g, '$');
  if (Array.isArray(v)) return v.map(unescape);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, unescape(x)]));
  return v;
}
type Canon = Record<string, unknown>;
const sortBy = <T>(xs: T[]) => [...xs].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
const strMap = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  if (Array.isArray(v)) for (const s of v as string[]) { const i = s.indexOf('='); if (i > 0) out[s.slice(0, i)] = s.slice(i + 1); }
  else for (const [k, x] of Object.entries((v ?? {}) as Record<string, unknown>)) if (x !== null && x !== undefined) out[k] = String(x);
  return out;
};
/** `environment`: a `KEY` with no value (and none in the shell) is kept as null, as 1.29 prints it. */
const envMap = (v: unknown): Record<string, string | null> => {
  const out: Record<string, string | null> = {};
  if (Array.isArray(v)) for (const s of v as string[]) { const i = s.indexOf('='); out[i < 0 ? s : s.slice(0, i)] = i < 0 ? null : s.slice(i + 1); }
  else for (const [k, x] of Object.entries((v ?? {}) as Record<string, unknown>)) out[k] = x === null || x === undefined ? null : String(x);
  return out;
};
const list = (v: unknown) => (v === undefined || v === null ? undefined : (Array.isArray(v) ? v : [v]).map(String));
const ns = (v: unknown) => (v === undefined || v === null ? undefined : typeof v === 'number' ? v : parseDuration(v));
const refs = (v: unknown) => (v === undefined ? undefined : ((v ?? []) as unknown[]).map((x) => (typeof x === 'string' ? x : String((x as Canon).source))).sort());
/** The other keys compared as they are (1.29 prints them as written). */
/** Keys flotilla keeps as written (ServiceDef.extra), compared as they are. */
const EXTRA = ['cpus', 'mem_limit', 'ipc', 'runtime', 'pid', 'shm_size', 'mem_reservation', 'cpu_shares'] as const;
/** volumes_from: 1.29 prints `zot` as `service:zot:rw`; compare `zot`, `zot:ro`, `container:c`. */
const volumesFrom = (v: unknown) => list(v)?.map((x) => x.replace(/^service:/, '').replace(/:rw$/, ''));
const sortedList = (v: unknown) => list(v)?.sort();
const hosts = (v: unknown) => (v === undefined ? undefined : Array.isArray(v) ? v.map(String).sort() : Object.entries(v as Canon).map(([h, ip]) => `${h}:${String(ip)}`).sort());
const ulimits = (v: unknown) =>
  v === undefined ? undefined : Object.fromEntries(Object.entries(v as Canon).map(([k, u]) => [k, typeof u === 'object' && u ? { soft: Number((u as Canon).soft), hard: Number((u as Canon).hard) } : { soft: Number(u), hard: Number(u) }]));
/** update_config / rollback_config, durations in ns. */
const updates = (u: Canon | undefined) =>
  u && { parallelism: u.parallelism, delay: ns(u.delay), failure_action: u.failure_action, monitor: ns(u.monitor), max_failure_ratio: u.max_failure_ratio === undefined ? undefined : Number(u.max_failure_ratio), order: u.order };
const resourceSet = (r: Canon | undefined) => r && { cpus: r.cpus !== undefined ? Number(r.cpus) : undefined, memory: r.memory !== undefined ? parseSize(r.memory) : undefined, pids: r.pids };
const SCALARS = ['restart', 'working_dir', 'user', 'hostname', 'domainname', 'stop_signal', 'tty', 'stdin_open', 'init', 'read_only', 'privileged', 'container_name', 'platform'] as const;
const cmd = (v: unknown) => (v === undefined || v === null ? undefined : typeof v === 'string' ? shellSplit(v) : (v as unknown[]).map(String));

function oraclePorts(v: unknown): Canon[] {
  // 1.29 prints a host range onto one port as one entry (published "18000-18001"), and a one-port range
  // "5000-5000:80-80" as published "5000-5000".
  const published = (text: string | undefined) => {
    const [a, b] = (text ?? '').split('-').map((n) => (n === '' ? undefined : Number(n)));
    return { published: a || undefined, published_end: b !== undefined && b !== a ? b : undefined };
  };
  return sortBy(
    ((v ?? []) as unknown[]).map((x) => {
      if (typeof x === 'string') {
        // 1.29 prints ports with a host IP as "IP:PUBLISHED:TARGET/PROTO".
        const [addr, proto = 'tcp'] = x.split('/');
        const parts = addr.split(':');
        const target = Number(parts.pop());
        const pub = published(parts.pop());
        return { target, published: pub.published, protocol: proto, mode: 'ingress', host_ip: parts.length ? parts.join(':') : undefined, published_end: pub.published_end };
      }
      const p = x as Record<string, unknown>;
      const pub = published(p.published === undefined ? undefined : String(p.published));
      return {
        target: Number(p.target),
        published: pub.published,
        protocol: p.protocol ?? 'tcp',
        mode: p.mode ?? 'ingress',
        host_ip: p.external_ip ?? p.host_ip,
        published_end: pub.published_end,
      };
    }),
  );
}

function oracleVolumes(v: unknown): Canon[] {
  return sortBy(
    ((v ?? []) as unknown[]).map((x) => {
      if (typeof x === 'string') {
        const [a, b, mode] = x.split(':');
        if (b === undefined) return { type: 'volume', source: undefined, target: a, read_only: false };
        const bind = a.startsWith('/') || a.startsWith('.') || a.startsWith('~');
        return { type: bind ? 'bind' : 'volume', source: a, target: b, read_only: (mode ?? '').split(',').includes('ro') };
      }
      const o = x as Record<string, unknown>;
      return { type: o.type, source: o.source, target: o.target, read_only: !!o.read_only };
    }),
  );
}

function oracleService(s: Record<string, unknown>, v1: boolean): Canon {
  const d = s.deploy as Record<string, unknown> | undefined;
  const nets = v1 && s.network_mode === 'bridge' && rule('v1-default-network') ? ['default'] : s.network_mode ? [] : s.networks ? (Array.isArray(s.networks) ? s.networks : Object.keys(s.networks as object)) : ['default'];
  const res = (d?.resources ?? {}) as Record<string, Record<string, unknown>>;
  return {
    image: s.image,
    command: cmd(s.command),
    entrypoint: cmd(s.entrypoint),
    environment: envMap(s.environment),
    ports: oraclePorts(s.ports),
    volumes: oracleVolumes(s.volumes),
    networks: Object.fromEntries(
      (nets as string[]).map((n) => {
        const o = (!Array.isArray(s.networks) && s.networks ? (s.networks as Record<string, Canon | null>)[n] : undefined) ?? {};
        return [n, { aliases: sortedList(o.aliases), ipv4_address: o.ipv4_address }];
      }),
    ),
    network_mode: v1 && s.network_mode === 'bridge' ? undefined : s.network_mode,
    links: sortedList(s.links),
    volumes_from: volumesFrom(s.volumes_from),
    extra_hosts: hosts(s.extra_hosts),
    sysctls: s.sysctls === undefined ? undefined : strMap(s.sysctls),
    ulimits: ulimits(s.ulimits),
    logging: s.logging ? { driver: (s.logging as Canon).driver, options: (s.logging as Canon).options ? strMap((s.logging as Canon).options) : undefined } : undefined,
    profiles: sortedList(s.profiles),
    ...Object.fromEntries(EXTRA.map((k) => [k, s[k]])),
    depends_on: Object.fromEntries(Object.entries((s.depends_on ?? {}) as Record<string, { condition: string }>).map(([k, v]) => [k, v.condition])),
    labels: envMap(s.labels),
    expose: ((s.expose ?? []) as unknown[]).map(String).sort(),
    healthcheck: oracleHealthcheck(s.healthcheck as Canon | undefined),
    ...Object.fromEntries(SCALARS.map((k) => [k, s[k]])),
    cap_add: list(s.cap_add)?.sort(),
    cap_drop: list(s.cap_drop)?.sort(),
    dns: list(s.dns),
    stop_grace_period: ns(s.stop_grace_period),
    secrets: refs(s.secrets),
    configs: refs(s.configs),
    build: oracleBuild(s.build),
    deploy: d
      ? {
          mode: d.mode,
          replicas: d.replicas,
          labels: d.labels ? strMap(d.labels) : undefined,
          limits: resourceSet(res.limits),
          reservations: resourceSet(res.reservations),
          restart: d.restart_policy ? restartOf(d.restart_policy as Canon) : undefined,
          constraints: (d.placement as Canon | undefined)?.constraints,
          preferences: (d.placement as Canon | undefined)?.preferences,
          max_replicas_per_node: (d.placement as Canon | undefined)?.max_replicas_per_node,
          endpoint_mode: d.endpoint_mode,
          update_config: updates(d.update_config as Canon | undefined),
          rollback_config: updates(d.rollback_config as Canon | undefined),
        }
      : undefined,
  };
}

function ourService(p: ComposeProject, name: string): Canon {
  const s = p.services[name];
  const d = s.deploy;
  return {
    image: s.image,
    command: s.command,
    entrypoint: s.entrypoint,
    environment: s.environment,
    ports: sortBy(s.ports.map((x) => ({ target: x.target, published: x.published, protocol: x.protocol, mode: x.mode, host_ip: x.host_ip, published_end: x.published_end }))),
    volumes: sortBy(s.volumes.map((m) => ({ type: m.type, source: m.source, target: m.target, read_only: !!m.read_only }))),
    networks: s.network_mode ? {} : Object.fromEntries(Object.entries(s.networks).map(([n, o]) => [n, { aliases: o.aliases ? [...o.aliases].sort() : undefined, ipv4_address: o.ipv4_address }])),
    network_mode: s.network_mode,
    links: s.links ? [...s.links].sort() : undefined,
    volumes_from: volumesFrom(s.volumes_from),
    extra_hosts: s.extra_hosts ? [...s.extra_hosts].sort() : undefined,
    sysctls: s.sysctls,
    ulimits: s.ulimits,
    logging: s.logging,
    profiles: s.profiles ? [...s.profiles].sort() : undefined,
    ...Object.fromEntries(EXTRA.map((k) => [k, s.extra?.[k]])),
    depends_on: Object.fromEntries(Object.entries(s.depends_on).map(([k, v]) => [k, v.condition])),
    labels: s.labels,
    expose: [...s.expose].sort(),
    healthcheck: s.healthcheck
      ? s.healthcheck.disable
        ? { test: ['NONE'] }
        : { test: s.healthcheck.test, interval: s.healthcheck.interval, timeout: s.healthcheck.timeout, retries: s.healthcheck.retries, start_period: s.healthcheck.start_period }
      : undefined,
    ...Object.fromEntries(SCALARS.map((k) => [k, s[k]])),
    cap_add: s.cap_add ? [...s.cap_add].sort() : undefined,
    cap_drop: s.cap_drop ? [...s.cap_drop].sort() : undefined,
    dns: s.dns,
    stop_grace_period: s.stop_grace_period,
    secrets: s.secrets?.map((x) => x.source).sort(),
    configs: s.configs?.map((x) => x.source).sort(),
    build: s.build ? { context: s.build.context, dockerfile: s.build.dockerfile, target: s.build.target, args: s.build.args } : undefined,
    deploy: d
      ? {
          mode: d.mode,
          replicas: d.replicas,
          labels: d.labels,
          limits: d.resources?.limits,
          reservations: d.resources?.reservations,
          restart: d.restart_policy ? { condition: d.restart_policy.condition, max_attempts: d.restart_policy.max_attempts, delay: d.restart_policy.delay, window: d.restart_policy.window } : undefined,
          constraints: d.placement?.constraints,
          preferences: d.placement?.preferences,
          max_replicas_per_node: d.placement?.max_replicas_per_node,
          endpoint_mode: d.endpoint_mode,
          update_config: d.update_config,
          rollback_config: d.rollback_config,
        }
      : undefined,
  };
}

function oracleBuild(b: unknown): Canon | undefined {
  if (b === undefined) return undefined;
  const o = (typeof b === 'string' ? { context: b } : b) as Canon;
  return { context: o.context, dockerfile: o.dockerfile, target: o.target, args: o.args === undefined ? undefined : envMap(o.args) };
}

function oracleHealthcheck(h: Canon | undefined): Canon | undefined {
  if (!h) return undefined;
  const test = typeof h.test === 'string' ? ['CMD-SHELL', h.test] : (h.test as string[] | undefined);
  if (test?.[0] === 'NONE' || h.disable) return { test: ['NONE'] };
  return { test, interval: ns(h.interval), timeout: ns(h.timeout), retries: h.retries, start_period: ns(h.start_period) };
}

const restartOf = (r: Canon) => ({
  condition: r.condition,
  max_attempts: r.max_attempts,
  delay: r.delay !== undefined ? parseDuration(r.delay) : undefined,
  window: r.window !== undefined ? parseDuration(r.window) : undefined,
});

/** JSON with object keys sorted (key order is not a difference); undefined dropped. */
const canonical = (x: unknown): string =>
  JSON.stringify(x ?? null, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1))) : v));

/** Runs `f` over the cases, six at a time; results by case id. */
async function pool(cs: Case[], f: (c: Case) => Promise<OracleResult>): Promise<Map<string, OracleResult>> {
  const out = new Map<string, OracleResult>();
  const queue = [...cs];
  await Promise.all(
    Array.from({ length: 6 }, async () => {
      for (let c = queue.shift(); c; c = queue.shift()) out.set(c.id, await f(c));
    }),
  );
  return out;
}

const available = existsSync(ORACLE);
if (!available) console.warn(`SKIPPED conformance: ${ORACLE} (docker-compose 1.29) is not installed`);

/**
 * Top-level objects: which are defined, external or not, their driver and file. (1.29 prints the
 * implicit `default` network only when the file defines it; flotilla adds it when a service uses it.)
 */
function oracleTop(v: Record<string, Canon | null> | undefined, kind: string): Canon {
  return Object.fromEntries(
    Object.entries(v ?? {}).map(([k, o]) => [k, { external: !!o?.external, driver: o?.driver, file: o?.file, ...(kind === 'networks' ? { internal: o?.internal, attachable: o?.attachable } : {}) }]),
  );
}

function ourTop(p: ComposeProject, kind: 'networks' | 'volumes' | 'secrets' | 'configs'): Canon {
  const defs = p[kind] as Record<string, { external?: boolean; driver?: string; file?: string; internal?: boolean; attachable?: boolean }>;
  return Object.fromEntries(
    Object.entries(defs)
      .filter(([k]) => !(kind === 'networks' && k === 'default' && implicitDefault(p)))
      .map(([k, o]) => [k, { external: !!o.external, driver: o.driver, file: o.file, ...(kind === 'networks' ? { internal: o.internal, attachable: o.attachable } : {}) }]),
  );
}

/** Whether flotilla added `default` itself (no file of the project defines it). */
const implicitDefault = (p: ComposeProject) => !p.files.some((f) => /^networks:\s*\n(?:[ \t].*\n|\s*\n)*?[ \t]+default:/m.test(readFileSync(f, 'utf8')));

/** How flotilla's answer for a case compares with the oracle's: nothing when identical, else what differs. */
function differences(c: Case, theirs: OracleResult, order: OracleResult | undefined): string[] {
  const mine = ours(c);
  if (!theirs.ok) {
    if (mine.ok) return [`oracle refused it, flotilla accepted it (oracle: ${theirs.err.trim().split('\n').pop()})`];
    // ...and says where: every problem has a file, line and column.
    const unplaced = mine.err.split('\n').filter((l) => !/^\/.+:\d+:\d+: \S/.test(l));
    return unplaced.map((l) => `a problem without file:line:column: ${l}`);
  }
  if (!mine.ok) return [`oracle accepted it, flotilla refused it: ${mine.err}`];
  const theirServices = (theirs.doc.services ?? {}) as Record<string, Record<string, unknown>>;
  const out: string[] = [];
  const names = (xs: string[]) => JSON.stringify([...xs].sort());
  if (names(Object.keys(mine.p.services)) !== names(Object.keys(theirServices))) out.push(`services ${names(Object.keys(mine.p.services))} vs ${names(Object.keys(theirServices))}`);
  if (order?.ok && JSON.stringify(serviceNames(mine.p)) !== JSON.stringify(order.doc.services)) out.push(`service order ${JSON.stringify(serviceNames(mine.p))} vs ${JSON.stringify(order.doc.services)}`);
  const isV1 = theirs.doc.version === undefined || String(theirs.doc.version) === '1';
  const top = (kind: 'networks' | 'volumes' | 'secrets' | 'configs') => {
    const a = canonical(ourTop(mine.p, kind));
    const b = canonical(oracleTop(theirs.doc[kind] as Record<string, Canon | null> | undefined, kind));
    if (a !== b) out.push(`top-level ${kind}: flotilla ${a}\n  oracle ${b}`);
  };
  if (!isV1) for (const kind of ['networks', 'volumes', 'secrets', 'configs'] as const) top(kind);
  for (const name of Object.keys(theirServices)) {
    if (!mine.p.services[name]) continue;
    const a = canonical(ourService(mine.p, name));
    const b = canonical(oracleService(theirServices[name], isV1));
    if (a !== b) out.push(`service ${name}: flotilla ${JSON.stringify(a)}\n  oracle ${JSON.stringify(b)}`);
  }
  return out;
}

/** Corpus files (not our fixtures, our own compose files or generated cases): the figure README.md gives. */
const isCorpus = (id: string) => !/^(conformance|repo|generated)\//.test(id);

describe.skipIf(!available)('conformance with docker-compose 1.29 config', async () => {
  const all = [...cases(), ...dotenvCases(), ...generatedCases(60)];
  // The oracle is slow (~1 s a file): ask it about every file up front, a few at a time.
  const results = await pool(all, (c) => oracle(c));

  // Service order (`config --services`, creation order) for the single-file cases: 1.29 orders merged files by a Python set.
  const ordered = all.filter((c) => !c.id.startsWith('generated/') && c.files.length <= 1 && !existsSync(join(c.dir, 'docker-compose.override.yml')));
  const orders = await pool(ordered, (c) => oracle(c, ['--services']));
  const diffs = new Map(all.map((c) => [c.id, differences(c, results.get(c.id)!, orders.get(c.id))] as const));

  it('finds the corpus and the fixtures', () => {
    expect(all.filter((c) => isCorpus(c.id)).length).toBeGreaterThan(50);
    expect(all.filter((c) => c.id.startsWith('conformance/')).length).toBeGreaterThan(10);
  });

  it('lists only files it reads', () => {
    const ids = new Set(all.map((c) => c.id));
    expect(Object.keys(DEVIATIONS).filter((id) => !ids.has(id))).toEqual([]);
    expect(Object.keys(DEVIATIONS_DOC.configText).filter((id) => !ids.has(id))).toEqual([]);
  });

  it('`config` prints 1.29\'s text byte for byte on every file both accept but the listed ones', () => {
    const differing: string[] = [];
    let compared = 0;
    let corpusCompared = 0;
    let corpusSame = 0;
    for (const c of all) {
      const theirs = results.get(c.id)!;
      const mine = ours(c);
      if (!theirs.ok || !mine.ok) continue;
      compared++;
      const same = renderConfig129(mine.p) === theirs.text;
      if (isCorpus(c.id)) {
        corpusCompared++;
        if (same) corpusSame++;
      }
      if (!same) differing.push(c.id);
    }
    console.log(`config text: ${corpusSame} of ${corpusCompared} corpus files byte for byte identical to docker-compose 1.29 config; ${compared - differing.length} of ${compared} files in all; differing: ${differing.join(', ') || 'none'}`);
    expect(differing.sort()).toEqual(Object.keys(DEVIATIONS_DOC.configText).sort());
  });

  it('corpus: every file identical after normalisation but the listed deviations', () => {
    const corpus = all.filter((c) => isCorpus(c.id));
    const differing = corpus.filter((c) => diffs.get(c.id)!.length).map((c) => c.id);
    const identical = corpus.length - differing.length;
    console.log(`conformance: ${identical} of ${corpus.length} corpus files identical to docker-compose 1.29 after normalisation; differing: ${differing.join(', ') || 'none'}`);
    expect(differing.sort()).toEqual(Object.keys(DEVIATIONS).filter(isCorpus).sort());
    // The rest (our fixtures, our own compose files, generated projects): every difference is a listed deviation too.
    const rest = all.filter((c) => !isCorpus(c.id));
    const restDiffering = rest.filter((c) => diffs.get(c.id)!.length).map((c) => c.id);
    console.log(`conformance: ${rest.length - restDiffering.length} of ${rest.length} fixtures, own and generated files identical; differing (deviations): ${restDiffering.join(', ') || 'none'}`);
    expect(restDiffering.sort()).toEqual(Object.keys(DEVIATIONS).filter((id) => !isCorpus(id)).sort());
  });

  it.each(all.filter((c) => c.oracleVerdict).map((c) => [c.id, c] as const))('1.29 still answers %s as the fixture records', (id, c) => {
    expect(results.get(id)!.ok ? 'accepts' : 'rejects').toBe(c.oracleVerdict);
  });

  it.each(all.map((c) => [c.id, c] as const))('%s', (id, c) => {
    const found = diffs.get(id)!;
    const deviation = DEVIATIONS[id];
    if (deviation) {
      // A listed deviation must still be one (else the list hides nothing and should shrink), with flotilla's verdict as listed.
      expect(found.length, `${id} is listed as a deviation (${deviation.why}) but flotilla now answers as 1.29`).toBeGreaterThan(0);
      const mine = ours(c);
      expect(mine.ok, `${id}: ${deviation.why}${mine.ok ? '' : `\n${mine.err}`}`).toBe(deviation.oursOk);
      return;
    }
    expect(found, id).toEqual([]);
  });
});
