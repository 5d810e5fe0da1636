/** `ps --services --filter KEY=VAL`, as 1.29 filters the file's services. */
export interface ServiceFacts {
  name: string;
  image: boolean;
  build: boolean;
  /** Container states: one entry per container the service has (stopped ones included). */
  containers: ('running' | 'stopped')[];
}

export class PsFilterError extends Error {}

export function parseFilter(arg: string | undefined): [string, string] | undefined {
  if (arg === undefined) return undefined;
  const i = arg.indexOf('=');
  if (i < 0) throw new PsFilterError('Arguments to --filter should be in form KEY=VAL');
  return [arg.slice(0, i), arg.slice(i + 1)];
}

export function filterServices(services: ServiceFacts[], filter: [string, string] | undefined): string[] {
  if (!filter) return services.map((s) => s.name);
  const [key, val] = filter;
  return services
    .filter((s) => {
      if (key === 'status') {
        // flotilla has no paused or restarting container state to match: those match nothing.
        if (!['running', 'stopped', 'paused', 'restarting'].includes(val)) {
          if (s.containers.length > 0) throw new PsFilterError(`Invalid state: ${val}`);
          return false;
        }
        return s.containers.includes(val as 'running' | 'stopped');
      }
      if (key === 'source') {
        if (val !== 'image' && val !== 'build') throw new PsFilterError(`Invalid value for source filter: ${val}`);
        return s[val];
      }
      throw new PsFilterError(`Invalid filter: ${key}`);
    })
    .map((s) => s.name);
}
