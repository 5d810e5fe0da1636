import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import yaml from 'js-yaml';
import { ComposeError, type ComposeProblem } from './errors';
import { interpolate, InterpolationError } from './interpolate';
import { parseDotenv } from './dotenv';
import { keyPosition } from './positions';
import { normalizeService, type Raw } from './normalize';
import type { ComposeProject, NetworkDef, VolumeDef } from './model';
import { mergeService } from './merge';

export interface LoadOptions {
  files?: string[];
  workingDir?: string;
  projectName?: string;
  env?: Record<string, string | undefined>;
  envFile?: string;
  profiles?: string[];
}

const DEFAULT_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yml', 'docker-compose.yaml'];
const OVERRIDES = ['compose.override.yaml', 'compose.override.yml', 'docker-compose.override.yml', 'docker-compose.override.yaml'];
/** Bounds the walk over the document: an alias bomb fails here, fast, instead of eating memory. */
const MAX_NODES = 1_000_000;
const TOP_KEYS = new Set(['version', 'name', 'services', 'networks', 'volumes', 'secrets', 'configs', 'include']);

interface Doc {
  file: string;
  text: string;
  data: Raw;
  v1: boolean;
}

/** Reads, interpolates, validates, merges and normalises a compose project. Throws ComposeError. */
export function loadProject(opts: LoadOptions = {}): ComposeProject {
  const shell = opts.env ?? process.env;
  const cwd = resolve(opts.workingDir ?? process.cwd());
  const files = resolveFiles(opts, shell, cwd);
  const projectDir = opts.workingDir ? cwd : dirname(files[0]);
  const envFile = opts.envFile ? resolve(cwd, opts.envFile) : resolve(projectDir, '.env');
  const problems: ComposeProblem[] = [];
  let dotenv: Record<string, string> = {};
  if (existsSync(envFile)) dotenv = parseDotenv(readFileSync(envFile, 'utf8'));
  else if (opts.envFile) throw new ComposeError([{ file: envFile, message: "Couldn't find env file" }]);
  // The shell wins over .env, as in Docker.
  const env: Record<string, string | undefined> = { ...dotenv, ...shell };
  const unset = new Set<string>();

  const docs: Doc[] = [];
  for (const file of files) {
    const doc = readDoc(file, problems);
    if (!doc) continue;
    const report = (path: (string | number)[], message: string) => problems.push(at(doc, path, message));
    doc.data = walk(doc.data, [], (s, path) => {
      try {
        return interpolate(s, env, (n) => unset.add(n));
      } catch (e) {
        if (e instanceof InterpolationError) report(path, e.message);
        return s;
      }
    }) as Raw;
    docs.push(doc);
  }
  if (problems.length) throw new ComposeError(problems);

  const services: Record<string, Raw> = {};
  const origin: Record<string, Doc> = {};
  const networks: Record<string, NetworkDef> = {};
  const volumes: Record<string, VolumeDef> = {};
  const secrets: Record<string, unknown> = {};
  const configs: Record<string, unknown> = {};
  let name: string | undefined;
  for (const doc of docs) {
    const report = (path: (string | number)[], message: string) => problems.push(at(doc, path, message));
    const d = doc.data;
    if (!doc.v1) {
      for (const k of Object.keys(d)) if (!TOP_KEYS.has(k) && !k.startsWith('x-')) report([k], `Additional property ${k} is not allowed`);
      if (d.version !== undefined && !/^[123](\.\d+)?$/.test(String(d.version))) {
        report(['version'], `Version "${d.version}" in "${doc.file}" is invalid.`);
      }
    }
    if (typeof d.name === 'string') name = d.name;
    const svcs = doc.v1 ? d : (d.services ?? {});
    if (typeof svcs !== 'object' || svcs === null || Array.isArray(svcs)) {
      report(['services'], 'services must be a mapping');
      continue;
    }
    for (const [sname, raw] of Object.entries(svcs as Raw)) {
      if (sname.startsWith('x-')) continue;
      if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
        report(doc.v1 ? [sname] : ['services', sname], `service "${sname}" must be a mapping`);
        continue;
      }
      services[sname] = services[sname] ? mergeService(services[sname], raw as Raw) : (raw as Raw);
      origin[sname] ??= doc;
    }
    for (const [k, v] of Object.entries((d.networks ?? {}) as Raw)) networks[k] = { ...networks[k], ...topLevel(v) };
    for (const [k, v] of Object.entries((d.volumes ?? {}) as Raw)) volumes[k] = { ...volumes[k], ...topLevel(v) };
    Object.assign(secrets, d.secrets ?? {});
    Object.assign(configs, d.configs ?? {});
  }

  const out: ComposeProject['services'] = {};
  const active = new Set(opts.profiles ?? (shell.COMPOSE_PROFILES ? shell.COMPOSE_PROFILES.split(',') : []));
  for (const [sname, raw] of Object.entries(services)) {
    const doc = origin[sname];
    const report = (path: (string | number)[], message: string) => {
      const p = doc.v1 ? path.slice(1) : path;
      problems.push(at(doc, p, message));
    };
    const svc = normalizeService(sname, raw, projectDir, env, report);
    if (svc.profiles?.length && !svc.profiles.some((p) => active.has(p))) continue;
    out[sname] = svc;
  }
  for (const [sname, svc] of Object.entries(out)) {
    const doc = origin[sname];
    const report = (path: (string | number)[], message: string) => problems.push(at(doc, doc.v1 ? path.slice(1) : path, message));
    for (const dep of Object.keys(svc.depends_on)) {
      if (!(dep in services)) report(['services', sname, 'depends_on'], `Service "${sname}" depends on service "${dep}" which is undefined.`);
    }
    for (const net of Object.keys(svc.networks)) {
      if (net !== 'default' && !(net in networks)) report(['services', sname, 'networks'], `Service "${sname}" uses an undefined network "${net}"`);
    }
    for (const m of svc.volumes) {
      if (m.type === 'volume' && m.source && !(m.source in volumes)) {
        report(['services', sname, 'volumes'], `Named volume "${m.source}:${m.target}" is used in service "${sname}" but no declaration was found in the volumes section.`);
      }
    }
  }
  const cycle = findCycle(out);
  if (cycle) problems.push({ file: files[0], message: `Circular dependency between ${cycle.join(' and ')}` });
  if (problems.length) throw new ComposeError(problems);

  const projectName = sanitize(opts.projectName || shell.COMPOSE_PROJECT_NAME || name || basename(projectDir));
  if (!projectName) throw new ComposeError([{ file: files[0], message: 'project name must not be empty' }]);
  const warnings = [...unset].sort().map((n) => `The ${n} variable is not set. Defaulting to a blank string.`);
  return { name: projectName, workingDir: projectDir, files, services: out, networks, volumes, secrets, configs, warnings };
}

function resolveFiles(opts: LoadOptions, env: Record<string, string | undefined>, cwd: string): string[] {
  if (opts.files?.length) {
    const files = opts.files.map((f) => resolve(cwd, f));
    for (const f of files) if (!existsSync(f)) throw new ComposeError([{ file: f, message: 'no such file or directory' }]);
    return files;
  }
  if (env.COMPOSE_FILE) {
    const sep = env.COMPOSE_PATH_SEPARATOR || ':';
    return resolveFiles({ ...opts, files: env.COMPOSE_FILE.split(sep) }, {}, cwd);
  }
  for (let dir = cwd; ; dir = dirname(dir)) {
    const found = DEFAULT_FILES.map((f) => resolve(dir, f)).find(existsSync);
    if (found) {
      const override = OVERRIDES.map((f) => resolve(dir, f)).find(existsSync);
      return override ? [found, override] : [found];
    }
    if (dirname(dir) === dir) break;
  }
  throw new ComposeError([{ file: cwd, message: `Can't find a suitable configuration file in this directory or any parent. Are you in the right directory? Supported filenames: ${DEFAULT_FILES.join(', ')}` }]);
}

function readDoc(file: string, problems: ComposeProblem[]): Doc | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    problems.push({ file, message: (e as Error).message });
    return undefined;
  }
  let data: unknown;
  try {
    data = yaml.load(text, { filename: file });
  } catch (e) {
    const ye = e as { mark?: { line: number; column: number }; reason?: string; message: string };
    problems.push({ file, line: ye.mark ? ye.mark.line + 1 : undefined, column: ye.mark ? ye.mark.column + 1 : undefined, message: ye.reason ?? ye.message });
    return undefined;
  }
  if (data === undefined || data === null) data = {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    problems.push({ file, message: 'Top level object needs to be a dictionary' });
    return undefined;
  }
  const d = data as Raw;
  const v1 = d.version === undefined && d.services === undefined && Object.keys(d).length > 0 && !('name' in d) && !('networks' in d) && !('volumes' in d);
  return { file, text, data: d, v1 };
}

function at(doc: Doc, path: (string | number)[], message: string): ComposeProblem {
  const pos = keyPosition(doc.text, path);
  return { file: doc.file, ...(pos ? { line: pos.line, column: pos.column } : {}), message };
}

/** Copies the document, applying `f` to every string; counts nodes so alias bombs fail fast. */
function walk(v: unknown, path: (string | number)[], f: (s: string, path: (string | number)[]) => string, budget = { n: 0 }): unknown {
  if (++budget.n > MAX_NODES) throw new ComposeError([{ file: '', message: `document too large after alias expansion (more than ${MAX_NODES} nodes)` }]);
  if (typeof v === 'string') return f(v, path);
  if (Array.isArray(v)) return v.map((x, i) => walk(x, [...path, i], f, budget));
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    const out: Raw = {};
    for (const [k, x] of Object.entries(v as Raw)) out[k] = walk(x, [...path, k], f, budget);
    return out;
  }
  return v;
}

function topLevel(v: unknown): Raw {
  if (v === null || v === undefined) return {};
  const o = { ...(v as Raw) };
  if (o.external && typeof o.external === 'object') {
    const ext = o.external as Raw;
    o.external = true;
    if (ext.name) o.name = ext.name;
  }
  return o;
}

function sanitize(name: string): string {
  return name.toLowerCase().replace(/[^-_a-z0-9]/g, '');
}

function findCycle(services: ComposeProject['services']): string[] | undefined {
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string): string[] | undefined => {
    if (state.get(n) === 2) return undefined;
    if (state.get(n) === 1) return stack.slice(stack.indexOf(n));
    state.set(n, 1);
    stack.push(n);
    for (const d of Object.keys(services[n]?.depends_on ?? {})) {
      const c = visit(d);
      if (c) return c;
    }
    stack.pop();
    state.set(n, 2);
    return undefined;
  };
  for (const n of Object.keys(services)) {
    const c = visit(n);
    if (c) return c;
  }
  return undefined;
}
