/**
 * `/info` and `/version` as a Swarm manager answers them: the engine's own
 * document (containers, images, storage driver, kernel, CPUs, memory, name,
 * server version…) with the Swarm section flotilla keeps. Pure: both sides
 * are read by the caller.
 */
export type Doc = Record<string, unknown>;

/** What flotilla answers for itself; the engine's document, when it answered, replaces all but Swarm. */
export function swarmManagerInfo(engine: Doc | Error, own: Doc & { Swarm: unknown }): Doc {
  if (engine instanceof Error) {
    const warnings = Array.isArray(own.Warnings) ? own.Warnings : [];
    return { ...own, Warnings: [...warnings, `WARNING: this node's Docker engine did not answer: ${engine.message}`] };
  }
  return { ...engine, Swarm: own.Swarm };
}

function cmp(a: string, b: string): number {
  const [am, an] = a.split('.').map(Number);
  const [bm, bn] = b.split('.').map(Number);
  return am - bm || an - bn;
}

/**
 * The engine's version document, with the API range narrowed to what both
 * flotilla and the engine speak (clients negotiate on flotilla's /_ping), and
 * flotilla named as one more component, as Docker lists containerd and runc.
 */
export function swarmManagerVersion(engine: Doc | Error, own: Doc & { Version: string; ApiVersion: string; MinAPIVersion: string; Components: Doc[] }): Doc {
  if (engine instanceof Error) return own;
  const engineApi = typeof engine.ApiVersion === 'string' ? engine.ApiVersion : own.ApiVersion;
  const engineMin = typeof engine.MinAPIVersion === 'string' ? engine.MinAPIVersion : own.MinAPIVersion;
  const components = Array.isArray(engine.Components) ? (engine.Components as Doc[]) : [];
  return {
    ...engine,
    Components: [...components, ...own.Components],
    ApiVersion: cmp(engineApi, own.ApiVersion) < 0 ? engineApi : own.ApiVersion,
    MinAPIVersion: cmp(engineMin, own.MinAPIVersion) > 0 ? engineMin : own.MinAPIVersion,
  };
}
