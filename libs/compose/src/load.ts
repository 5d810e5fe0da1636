import { existsSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { readComposeFile, locateDepthIn, locateIn, type ComposeFile } from './compose-file';
import { ComposeError, Problems } from './errors';
import { resolveExtends, type ServiceSource } from './extends';
import { resolveFiles, sanitizeProjectName } from './files';
import { discoveryEnv, projectEnv } from './project-env';
import type { Env } from './interpolate';
import { mergeService, type Raw } from './merge';
import type { ComposeProject, ServiceDef } from './model';
import { normalizeService } from './normalize';
import { normalizeNetwork, normalizeSecret, normalizeVolume } from './normalize-resources';
import { absolutizeService } from './paths';
import type { Path, Position } from './positions';
import { checkProject } from './semantic';
import { keysOutsideVersion } from './version-keys';

export interface LoadOptions {
  /** -f paths; default: COMPOSE_FILE, else compose.yaml/docker-compose.yml (+ override) in workingDir or a parent. */
  files?: string[];
  /** Default process.cwd(); given, it is also the project directory (--project-directory). */
  workingDir?: string;
  /** -p; else COMPOSE_PROJECT_NAME, else top-level `name:`, else the project directory's name. */
  projectName?: string;
  /** The shell environment; default process.env. */
  env?: Record<string, string | undefined>;
  /** --env-file (relative to workingDir); default PROJECT_DIR/.env when it exists. */
  envFile?: string;
  /** --profile; default COMPOSE_PROFILES (comma-separated). */
  profiles?: string[];
  /**
   * Keys a 2.x/3.x file's declared version does not have (`init` in "3.0"...) are
   * errors, worded as `docker stack deploy` words them. Default: warnings, since
   * docker-compose 1.29 reads them.
   */
  strictVersion?: boolean;
  /** false: `${VAR}` left as written (`config --no-interpolate`). Default true. */
  interpolate?: boolean;
}

/** Reads, interpolates, validates, merges, extends and normalises a compose project. Throws ComposeError. */
export function loadProject(opts: LoadOptions = {}): ComposeProject {
  const shell: Env = opts.env ?? process.env;
  const cwd = resolve(opts.workingDir ?? process.cwd());
  const files = resolveFiles(opts.files, opts.files?.length ? shell : discoveryEnv(shell, cwd), cwd);
  const projectDir = opts.workingDir ? cwd : dirname(files[0]);
  const envWarnings: string[] = [];
  const env = projectEnv(opts.envFile, shell, cwd, projectDir, envWarnings);
  const home = shell.HOME;
  const problems = new Problems();
  const unset = new Set<string>();
  const onUnset = (n: string) => unset.add(n);

  const composeFiles: ComposeFile[] = [];
  for (const f of files) {
    const cf = readComposeFile(f, env, onUnset, problems, opts.interpolate ?? true);
    if (cf) composeFiles.push(cf);
  }
  const versionWarnings: string[] = [];
  for (const cf of composeFiles) {
    for (const k of keysOutsideVersion(cf.services, cf.format)) {
      const pos = locateIn(cf, k.path);
      if (opts.strictVersion) problems.add(cf.file, pos, k.strict);
      else versionWarnings.push(`${cf.file}${pos ? `:${pos.line}:${pos.column}` : ''}: ${k.warning}`);
    }
  }
  problems.throwIfAny();
  const kinds = new Set(composeFiles.map((f) => (f.format.kind === 'v1' ? 'v1' : 'v2+')));
  if (kinds.size > 1) {
    const [a, b] = [composeFiles[0], composeFiles.find((f) => (f.format.kind === 'v1') !== (composeFiles[0].format.kind === 'v1'))!];
    const describe = (f: ComposeFile) => f.format.version ?? (f.format.kind === 'v1' ? '1 (no version key, services at the top level)' : '3.9 (the Compose Specification)');
    problems.add(b.file, b.doc.pos.locate(['version']) ?? { line: 1, column: 1 }, `Version mismatch: file ${a.file} specifies version ${describe(a)} but extension file ${b.file} uses version ${describe(b)}`);
  }
  problems.throwIfAny();

  // Every file's paths are relative to the project directory; services merge file over file.
  const merged: Raw = {};
  const v1 = composeFiles[0].format.kind === 'v1';
  composeFiles.forEach((cf, i) => {
    for (const [name, raw] of Object.entries(cf.services)) {
      if (name.startsWith('x-') && !v1) continue;
      const abs = absolutizeService((raw ?? {}) as Raw, projectDir, home);
      merged[name] = merged[name] ? mergeService(merged[name] as Raw, abs, v1) : i ? mergeService({}, abs, v1) : abs;
    }
    // 1.29 merges every service with each later file, also those it does not name (`config` shows the re-formed keys).
    if (i) for (const name of Object.keys(merged)) if (!(name in cf.services)) merged[name] = mergeService(merged[name] as Raw, {}, v1);
  });

  // Where a path of the merged project is written: the last file that has it (or extends-loaded files).
  const known: ComposeFile[] = [...composeFiles];
  const report = (path: Path, message: string) => problems.at(locateDeep(known, composeFiles[0].file), path, message);

  const extendsCache = new Map<string, ComposeFile | undefined>();
  const main: ServiceSource = { file: { ...composeFiles[0], dir: projectDir, services: merged }, services: merged };
  const extendsCtx = {
    problems,
    home,
    load: (file: string) => {
      if (!extendsCache.has(file)) {
        const cf = existsSync(file) ? readComposeFile(file, env, onUnset, problems, opts.interpolate ?? true) : undefined;
        if (cf) known.unshift(cf);
        extendsCache.set(file, cf);
      }
      return extendsCache.get(file);
    },
  };
  const resolved: Record<string, Raw> = {};
  for (const [name, raw] of Object.entries(merged)) {
    if (name.startsWith('x-') && !v1) continue;
    const r = resolveExtends(name, raw as Raw, main, extendsCtx);
    if (r) resolved[name] = r;
  }
  problems.throwIfAny();

  // Top-level sections: a later file's entry replaces an earlier one's (docker-compose 1.29).
  const top = (key: 'networks' | 'volumes' | 'secrets' | 'configs') => {
    const out: Raw = {};
    if (v1) return out;
    for (const cf of composeFiles) {
      for (const [k, v] of Object.entries((cf.data[key] ?? {}) as Raw)) if (!k.startsWith('x-')) out[k] = v;
    }
    return out;
  };
  // No top-level `name:`: docker-compose 1.29 refuses it (the schema reports it).
  const rawName = opts.projectName || env.COMPOSE_PROJECT_NAME || basename(projectDir);
  const name = sanitizeProjectName(rawName);
  if (!name) throw new ComposeError([{ file: files[0], message: `project name ${JSON.stringify(rawName)} is empty once sanitised (only a-z, 0-9, _ and - are kept)` }]);

  const networks = Object.fromEntries(Object.entries(top('networks')).map(([k, v]) => [k, normalizeNetwork(k, v, name)]));
  const volumes = Object.fromEntries(Object.entries(top('volumes')).map(([k, v]) => [k, normalizeVolume(k, v, name)]));
  const secrets = Object.fromEntries(Object.entries(top('secrets')).map(([k, v]) => [k, normalizeSecret(k, v, name, projectDir)]));
  const configs = Object.fromEntries(Object.entries(top('configs')).map(([k, v]) => [k, normalizeSecret(k, v, name, projectDir)]));

  const active = new Set(opts.profiles ?? (env.COMPOSE_PROFILES ? env.COMPOSE_PROFILES.split(',').map((x) => x.trim()) : []));
  const all = new Set(Object.keys(resolved));
  const services: Record<string, ServiceDef> = {};
  const allProfiles = new Set<string>();
  const disabled = new Map<string, string[]>();
  const ctx = { projectDir, env, home, report, warn: (w: string) => envWarnings.push(w) };
  for (const [sname, raw] of Object.entries(resolved)) {
    const svc = normalizeService(sname, raw, ctx);
    for (const p of svc.profiles ?? []) allProfiles.add(p);
    if (svc.profiles?.length && !active.has('*') && !svc.profiles.some((p) => active.has(p))) {
      disabled.set(sname, svc.profiles);
      continue;
    }
    if (typeof raw.net === 'string' && raw.net.startsWith('container:') && all.has(raw.net.slice(10))) svc.network_mode = `service:${raw.net.slice(10)}`;
    services[sname] = svc;
  }
  if (!networks.default && Object.values(services).some((s) => 'default' in s.networks)) {
    networks.default = normalizeNetwork('default', null, name);
  }
  checkProject({ services, networks, volumes, secrets, configs }, all, report, disabled);
  problems.throwIfAny();

  const warnings = [...[...unset].sort().map((n) => `The ${n} variable is not set. Defaulting to a blank string.`), ...versionWarnings, ...envWarnings];
  const firstVersion = composeFiles[0].data.version;
  const source = {
    version: typeof firstVersion === 'string' ? firstVersion : undefined,
    v1,
    services: resolved,
    networks: top('networks'),
    volumes: top('volumes'),
    secrets: top('secrets'),
    configs: top('configs'),
    env,
  };
  return { name, workingDir: projectDir, files, services, networks, volumes, secrets, configs, warnings, allProfiles: [...allProfiles].sort(), source };
}

/** The file and position of a merged-project path: the file that has the deepest part of it (the last one on a tie). */
function locateDeep(known: ComposeFile[], fallback: string) {
  return (path: Path) => {
    let best: { file: string; pos?: Position; depth: number } = { file: fallback, depth: 0 };
    for (const f of known) {
      const r = locateDepthIn(f, path);
      if (r && r.depth >= best.depth) best = { file: f.file, pos: r.pos, depth: r.depth };
    }
    return { file: best.file, pos: best.pos };
  };
}
