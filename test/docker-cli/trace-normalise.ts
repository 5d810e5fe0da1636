/**
 * How a recorded docker CLI output and a live one are made comparable: IDs,
 * times, tokens, addresses and host names replaced by placeholders, columns'
 * padding collapsed (names differ in length), progress frames dropped.
 */
export function normalise(out: string, hostname: string): string[] {
  return out
    .split('\n')
    .filter((l) => !/^(overall progress: |verify: Waiting|\d+\/\d+: )/.test(l))
    .map((l) =>
      l
        .replace(/SWMTKN-1-[a-z0-9-]+/g, '<TOKEN>')
        .replace(/127\.0\.0\.1:\d+/g, '<ADDR>')
        .replace(/\b[a-z0-9]{25}\b/g, '<ID>')
        .replace(/^[a-z0-9]{12}(?= )/, '<id>')
        .replace(/\b(?=[a-z0-9]*\d)[a-z0-9]{12}\b/g, '<id>')
        .replace(/\b(\d+ (seconds?|minutes?|hours?)|[Ll]ess than a second|About a minute|About an hour) ago\b/g, '<ago>')
        .replace(new RegExp(`(?<=\\s|@)${escape(hostname)}(?=\\s|$)`, 'g'), '<HOST>')
        .replace(/[ \t]+/g, ' ')
        .trimEnd(),
    )
    .filter((l) => l !== '');
}

/** Every key path of a JSON value (arrays as `[]`), for comparing shapes, not values. */
export function keyPaths(v: unknown, prefix = ''): Set<string> {
  const out = new Set<string>();
  const walk = (x: unknown, p: string) => {
    if (Array.isArray(x)) x.forEach((y) => walk(y, `${p}[]`));
    else if (x && typeof x === 'object') {
      for (const [k, y] of Object.entries(x)) {
        out.add(`${p}.${k}`);
        walk(y, `${p}.${k}`);
      }
    }
  };
  walk(v, prefix);
  return out;
}

/**
 * The recorded command with this run's names and ports: names get a suffix
 * (other runs share the engine, and containers and networks carry names).
 */
export function rename(text: string, names: readonly string[], suffix: string, ports: ReadonlyMap<string, string>): string {
  let t = text;
  for (const [from, to] of ports) t = t.replaceAll(`${from}->`, `${to}->`).replaceAll(`${from}:80`, `${to}:80`);
  if (!names.length) return t;
  const alt = names.map(escape).join('|');
  return t.replace(new RegExp(`(?<![\\w/.-])(${alt})(?=[._\\s=:]|$)`, 'gm'), `$1${suffix}`);
}

/** Splits a recorded command line as a shell would (the trace has no quoting, only `{{json .Swarm}}`). */
export function argv(command: string): string[] {
  return (command.match(/\{\{[^}]*\}\}|\S+/g) ?? []).slice(1);
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
