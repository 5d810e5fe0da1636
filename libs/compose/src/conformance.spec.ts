/**
 * Conformance against the oracle: docker-compose 1.29 (`docker-compose config`)
 * and this library read the same files (the shared corpus and our fixtures);
 * the normalised services must agree. Files where we deliberately differ are
 * listed in DEVIATIONS (and in README.md).
 */
import { describe, expect, it } from 'vitest';
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import fc from 'fast-check';
import yaml from 'js-yaml';
import { ComposeError, loadProject, serviceNames, type ComposeProject } from './index';
import { shellSplit } from './shlex';
import { parseDuration, parseSize } from './units';

const ROOT = resolve(__dirname, '../../..');
const CORPUS = resolve(ROOT, '../shared/compose-corpus');
const FIXTURES = resolve(__dirname, '../fixtures/conformance');
const ORACLE = '/usr/bin/docker-compose';

/**
 * Files where flotilla deliberately differs from 1.29 (each one is in README.md):
 * what flotilla does with them (accepts or refuses), and why.
 */
const DEVIATIONS: Record<string, { oursOk: boolean; why: string }> = {
  'compose-go-testdata/cli/testdata/simple/compose-name.yaml': { oursOk: true, why: 'top-level name: (Compose Spec) is accepted; 1.29 rejects it' },
  'conformance/spec-name/docker-compose.yml': { oursOk: true, why: 'top-level name: (Compose Spec) is accepted; 1.29 rejects it' },
  'conformance/spec-duplicate-keys/docker-compose.yml': { oursOk: false, why: 'duplicate keys are an error (Compose Spec); 1.29 keeps the last one' },
  'conformance/spec-yaml12-bools/docker-compose.yml': { oursOk: true, why: 'yes/no/on/off are strings (YAML 1.2, Compose Spec); 1.29 reads booleans and rejects them' },
  'conformance/spec-invalid-duration/docker-compose.yml': { oursOk: false, why: 'invalid durations are errors at load time; 1.29 accepts them until deploy' },
  'conformance/err-undefined-network/docker-compose.yml': { oursOk: false, why: 'undefined networks are errors at load time; 1.29 reports them only at up' },
  'conformance/spec-yaml12-sexagesimal/docker-compose.yml': { oursOk: true, why: 'unquoted 49100:22 is the string "49100:22" (YAML 1.2); 1.29 reads the base-60 integer 2946022' },
  'conformance/spec-env-booleans/docker-compose.yml': { oursOk: true, why: 'booleans in environment/labels maps are accepted as "true"/"false" (Compose Spec); 1.29 rejects them' },
  'conformance/spec-healthcheck-disable-override/docker-compose.yml': { oursOk: true, why: 'an override with healthcheck disable: true replaces the base healthcheck (Compose v2); 1.29 merges them and rejects the result' },
  'compose-go-testdata/loader/testdata/extends/reset.yaml': { oursOk: true, why: 'the Compose Specification merge tags !reset and !override are read; 1.29 does not know them' },
  'dotenv/invalid1.env': { oursOk: false, why: 'a .env line that cannot be read is an error naming its line (Compose v2); 1.29 warns and skips it' },
  'conformance/profiles/docker-compose.yml': { oursOk: true, why: 'inactive profiles are left out of the project (Compose v2); 1.29 config lists every service' },
};

interface Case {
  id: string;
  dir: string;
  /** -f arguments, relative to dir; empty = default discovery. */
  files: string[];
  env: Record<string, string>;
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
    const meta = existsSync(join(dir, 'case.json')) ? (JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as { env?: Record<string, string>; files?: string[] }) : {};
    out.push({ id: relative(resolve(FIXTURES, '..'), f), dir, files: meta.files ?? [], env: meta.env ?? {} });
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
  // A fixed directory, so the oracle's cached answers stay valid from run to run.
  const dir = join(tmpdir(), `flotilla-conformance-generated-${process.getuid?.() ?? 0}`);
  rmSync(dir, { recursive: true, force: true });
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
  const v1dir = join(tmpdir(), `flotilla-conformance-v1-${process.getuid?.() ?? 0}`);
  rmSync(v1dir, { recursive: true, force: true });
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
  const dir = join(tmpdir(), `flotilla-conformance-dotenv-${process.getuid?.() ?? 0}`);
  rmSync(dir, { recursive: true, force: true });
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

type OracleResult = { ok: true; doc: Record<string, unknown> } | { ok: false; err: string };

/**
 * The oracle is slow (~1 s a file), so its answers are cached under
 * node_modules/.cache, keyed by everything they depend on: the oracle binary,
 * the arguments, the environment, the directory and the content of every file in it.
 */
const CACHE = resolve(ROOT, 'node_modules/.cache/flotilla-compose-oracle');

function cacheKey(c: Case, args: string[]): string {
  const h = createHash('sha256');
  h.update(JSON.stringify([statSync(ORACLE).mtimeMs, args, c.env, c.dir]));
  for (const f of walk(c.dir).sort()) h.update(`\0${f}\0`).update(readFileSync(f));
  return h.digest('hex');
}

async function oracle(c: Case, extra: string[] = []): Promise<OracleResult> {
  const args = [...c.files.flatMap((f) => ['-f', f]), 'config', ...extra];
  const key = join(CACHE, `${cacheKey(c, args)}.json`);
  try {
    return JSON.parse(readFileSync(key, 'utf8')) as OracleResult;
  } catch {
    // not cached yet (or unreadable): ask the oracle
  }
  const result = await new Promise<OracleResult>((done) => {
    execFile(ORACLE, args, { cwd: c.dir, env: { ...baseEnv, ...c.env }, timeout: 60_000 }, (err, stdout, stderr) => {
      if (err) done({ ok: false, err: stderr || String(err) });
      else done({ ok: true, doc: extra.includes('--services') ? { services: stdout.split('\n').filter(Boolean) } : (unescape(yaml.load(stdout)) as Record<string, unknown>) });
    });
  });
  try {
    mkdirSync(CACHE, { recursive: true });
    writeFileSync(key, JSON.stringify(result));
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
/** Sorted, duplicates once (1.29 keeps "3000" and "3000-3002" as two entries for port 3000; flotilla one). */
const sortedSet = <T>(xs: T[]) => sortBy([...new Map(xs.map((x) => [JSON.stringify(x), x])).values()]);
const strMap = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  if (Array.isArray(v)) for (const s of v as string[]) { const i = s.indexOf('='); if (i > 0) out[s.slice(0, i)] = s.slice(i + 1); }
  else for (const [k, x] of Object.entries((v ?? {}) as Record<string, unknown>)) if (x !== null && x !== undefined) out[k] = String(x);
  return out;
};
const cmd = (v: unknown) => (v === undefined || v === null ? undefined : typeof v === 'string' ? shellSplit(v) : (v as unknown[]).map(String));

function oraclePorts(v: unknown): Canon[] {
  return sortedSet(
    ((v ?? []) as unknown[]).map((x) => {
      if (typeof x === 'string') {
        // 1.29 prints ports with a host IP as "IP:PUBLISHED:TARGET/PROTO".
        const [addr, proto = 'tcp'] = x.split('/');
        const parts = addr.split(':');
        const target = Number(parts.pop());
        const published = parts.length ? Number(parts.pop()) : undefined;
        return { target, published: published || undefined, protocol: proto, mode: 'ingress', host_ip: parts.length ? parts.join(':') : undefined };
      }
      const p = x as Record<string, unknown>;
      return {
      target: Number(p.target),
      // 1.29 prints a one-port range "5000-5000:80-80" as published "5000-5000".
      published: p.published === undefined ? undefined : Number(String(p.published).replace(/^(\d+)-\1$/, '$1')),
      protocol: p.protocol ?? 'tcp',
      mode: p.mode ?? 'ingress',
      host_ip: p.external_ip ?? p.host_ip,
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
  // v1 services get network_mode: bridge in 1.29; flotilla puts them on the project's default network (README).
  const nets = v1 && s.network_mode === 'bridge' ? ['default'] : s.network_mode ? [] : s.networks ? (Array.isArray(s.networks) ? s.networks : Object.keys(s.networks as object)) : ['default'];
  const res = (d?.resources ?? {}) as Record<string, Record<string, unknown>>;
  return {
    image: s.image,
    command: cmd(s.command),
    entrypoint: cmd(s.entrypoint),
    environment: strMap(s.environment),
    ports: oraclePorts(s.ports),
    volumes: oracleVolumes(s.volumes),
    networks: [...(nets as string[])].sort(),
    depends_on: Object.fromEntries(Object.entries((s.depends_on ?? {}) as Record<string, { condition: string }>).map(([k, v]) => [k, v.condition])),
    labels: strMap(s.labels),
    expose: ((s.expose ?? []) as unknown[]).map(String).sort(),
    healthcheck: oracleHealthcheck(s.healthcheck as Canon | undefined),
    deploy: d
      ? {
          mode: d.mode,
          replicas: d.replicas,
          labels: d.labels ? strMap(d.labels) : undefined,
          limits: res.limits ? { cpus: res.limits.cpus !== undefined ? Number(res.limits.cpus) : undefined, memory: res.limits.memory !== undefined ? parseSize(res.limits.memory) : undefined } : undefined,
          restart: d.restart_policy ? restartOf(d.restart_policy as Canon) : undefined,
          constraints: (d.placement as Canon | undefined)?.constraints,
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
    ports: sortBy(s.ports.map((x) => ({ target: x.target, published: x.published, protocol: x.protocol, mode: x.mode, host_ip: x.host_ip }))),
    volumes: sortBy(s.volumes.map((m) => ({ type: m.type, source: m.source, target: m.target, read_only: !!m.read_only }))),
    networks: s.network_mode ? [] : Object.keys(s.networks).sort(),
    depends_on: Object.fromEntries(Object.entries(s.depends_on).map(([k, v]) => [k, v.condition])),
    labels: s.labels,
    expose: [...s.expose].sort(),
    healthcheck: s.healthcheck
      ? s.healthcheck.disable
        ? { test: ['NONE'] }
        : { test: s.healthcheck.test, interval: s.healthcheck.interval, timeout: s.healthcheck.timeout, retries: s.healthcheck.retries, start_period: s.healthcheck.start_period }
      : undefined,
    deploy: d
      ? {
          mode: d.mode,
          replicas: d.replicas,
          labels: d.labels,
          limits: d.resources?.limits ? { cpus: d.resources.limits.cpus, memory: d.resources.limits.memory } : undefined,
          restart: d.restart_policy ? { condition: d.restart_policy.condition, max_attempts: d.restart_policy.max_attempts, delay: d.restart_policy.delay } : undefined,
          constraints: d.placement?.constraints,
        }
      : undefined,
  };
}
function oracleHealthcheck(h: Canon | undefined): Canon | undefined {
  if (!h) return undefined;
  const ns = (v: unknown) => (v === undefined ? undefined : typeof v === 'number' ? v : parseDuration(v));
  const test = typeof h.test === 'string' ? ['CMD-SHELL', h.test] : (h.test as string[] | undefined);
  if (test?.[0] === 'NONE' || h.disable) return { test: ['NONE'] };
  return { test, interval: ns(h.interval), timeout: ns(h.timeout), retries: h.retries, start_period: ns(h.start_period) };
}

const restartOf = (r: Canon) => ({
  condition: r.condition,
  max_attempts: r.max_attempts,
  delay: r.delay !== undefined ? parseDuration(r.delay) : undefined,
});

const strip = (x: unknown): unknown => JSON.parse(JSON.stringify(x ?? null));

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

describe.skipIf(!available)('conformance with docker-compose 1.29 config', async () => {
  const all = [...cases(), ...dotenvCases(), ...generatedCases(60)];
  // The oracle is slow (~1 s a file): ask it about every file up front, a few at a time.
  const results = await pool(all, (c) => oracle(c));

  // Service order (`config --services`, creation order) for the single-file cases: 1.29 orders merged files by a Python set.
  const ordered = all.filter((c) => !c.id.startsWith('generated/') && c.files.length <= 1 && !existsSync(join(c.dir, 'docker-compose.override.yml')));
  const orders = await pool(ordered, (c) => oracle(c, ['--services']));

  it.each(ordered.map((c) => [c.id, c] as const))('service order of %s', (id, c) => {
    const theirs = orders.get(id)!;
    const mine = ours(c);
    if (!theirs.ok || !mine.ok || DEVIATIONS[id]) return;
    expect(serviceNames(mine.p)).toEqual(theirs.doc.services);
  });

  it('finds the corpus and the fixtures', () => {
    expect(all.filter((c) => !c.id.startsWith('conformance/')).length).toBeGreaterThan(10);
    expect(all.filter((c) => c.id.startsWith('conformance/')).length).toBeGreaterThan(10);
  });

  it.each(all.map((c) => [c.id, c] as const))('%s', (id, c) => {
    const theirs = results.get(id)!;
    const mine = ours(c);
    const deviation = DEVIATIONS[id];
    if (deviation) {
      expect(mine.ok, `${id}: ${deviation.why}${mine.ok ? '' : `\n${mine.err}`}`).toBe(deviation.oursOk);
      return;
    }
    if (!theirs.ok) {
      expect(mine.ok, `oracle refused ${id}:\n${theirs.err}\nbut flotilla accepted it`).toBe(false);
      // ...and says where: every problem has a file, line and column.
      if (!mine.ok) for (const line of mine.err.split('\n')) expect(line).toMatch(/^\/.+:\d+:\d+: \S/);
      return;
    }
    if (!mine.ok) throw new Error(`oracle accepted ${id} but flotilla refused it:\n${mine.err}`);
    const theirServices = (theirs.doc.services ?? {}) as Record<string, Record<string, unknown>>;
    expect(Object.keys(mine.p.services).sort()).toEqual(Object.keys(theirServices).sort());
    const isV1 = theirs.doc.version === undefined || String(theirs.doc.version) === '1';
    for (const name of Object.keys(theirServices)) {
      expect(strip(ourService(mine.p, name)), `${id} service ${name}`).toEqual(strip(oracleService(theirServices[name], isV1)));
    }
  });
});
