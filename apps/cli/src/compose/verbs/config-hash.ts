/**
 * `config --hash` prints docker-compose 1.29's values (its Service.config_hash: configHash129 in
 * @flotilla/compose, fed the engine's image IDs by service-hashes.ts); this file says which services.
 */

/** Which services `--hash` names: `*` for all, else a comma-separated list. */
export function hashTargets(arg: string, all: string[]): { names: string[]; unknown?: string } {
  if (arg === '*') return { names: all };
  const names = arg.split(',');
  return { names, unknown: names.find((n) => !all.includes(n)) };
}
