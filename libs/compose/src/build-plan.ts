import type { ComposeProject, ServiceDef } from './model';

/** How `up` treats images it could build (docker-compose 1.29's BuildAction): build if missing, always, never. */
export type BuildPolicy = 'missing' | 'always' | 'never';

/** Everything one `/build` call needs, in the Engine API's query names (dockerode passes them through). */
export interface ImageBuild {
  service: string;
  /** Absolute directory packed as the build context. */
  context: string;
  /** Dockerfile path inside the context, as the Engine API wants it. */
  dockerfile: string;
  tag: string;
  buildargs: Record<string, string>;
  labels: Record<string, string>;
  target?: string;
  cachefrom: string[];
  networkmode?: string;
  shmsize?: number;
  extrahosts?: string;
  nocache: boolean;
  pull: boolean;
  rm: true;
}

export interface BuildFlags {
  noCache?: boolean;
  pull?: boolean;
}

/** The image a service runs: `image:` when given (a build is tagged with it), else `<project>_<service>`, as 1.29 names it. */
export function serviceImage(projectName: string, s: ServiceDef): string {
  return s.image ?? `${projectName}_${s.name}`;
}

/** The `/build` request of a service that has `build:`. The Dockerfile stays relative to the context, where the daemon looks. */
export function buildRequest(projectName: string, s: ServiceDef, flags: BuildFlags = {}): ImageBuild {
  const b = s.build;
  if (!b) throw new Error(`service ${s.name} has no build section`);
  return {
    service: s.name,
    context: b.context,
    dockerfile: b.dockerfile ?? 'Dockerfile',
    tag: serviceImage(projectName, s),
    // A `KEY` with no value the environment lacks is sent as '' (1.29's build_string_dict): the engine
    // would read a null as "use the ARG's default".
    buildargs: Object.fromEntries(Object.entries(b.args ?? {}).map(([k, v]) => [k, v ?? ''])),
    labels: { ...b.labels },
    ...(b.target ? { target: b.target } : {}),
    // 1.29 drops empty cache_from entries.
    cachefrom: (b.cache_from ?? []).filter((t) => t !== ''),
    ...(b.network ? { networkmode: b.network } : {}),
    ...(b.shm_size !== undefined ? { shmsize: b.shm_size } : {}),
    // The daemon takes extra hosts as one comma-separated "host:ip" list.
    ...(b.extra_hosts?.length ? { extrahosts: b.extra_hosts.join(',') } : {}),
    nocache: !!flags.noCache,
    pull: !!flags.pull,
    rm: true,
  };
}

export type BuildStep =
  | { kind: 'build'; service: string; reason: 'asked' | 'missing' }
  | { kind: 'uses-image'; service: string }
  | { kind: 'needs-build'; service: string };

/**
 * What `compose build` (policy 'always') or `up` does per service, in file order. `hasImage` is what
 * the engine answered for each service's image; a service without `build:` is never built here.
 */
export function planBuilds(project: ComposeProject, names: string[], policy: BuildPolicy, hasImage: (image: string) => boolean): BuildStep[] {
  const wanted = names.length ? names : Object.keys(project.services);
  const out: BuildStep[] = [];
  for (const name of wanted) {
    const s = project.services[name];
    if (!s) continue;
    if (!s.build) {
      out.push({ kind: 'uses-image', service: name });
      continue;
    }
    if (policy === 'always') out.push({ kind: 'build', service: name, reason: 'asked' });
    else if (hasImage(serviceImage(project.name, s))) continue;
    else if (policy === 'never') out.push({ kind: 'needs-build', service: name });
    else out.push({ kind: 'build', service: name, reason: 'missing' });
  }
  return out;
}
