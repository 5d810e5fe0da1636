/**
 * Flags whose values are secrets (a join token; a Redis URL may hold a
 * password), and the environment variable a node process reads each from
 * instead. /proc/PID/cmdline is readable by every user of the host; a
 * process's environment only by its owner and root.
 */
export const SECRET_FLAGS: Readonly<Record<string, string>> = Object.freeze({
  '--token': 'FLOTILLA_TOKEN',
  '--redis-url': 'FLOTILLA_REDIS_URL',
});

/** A node process's arguments with the secret flags taken out, and the environment that carries them instead (pure). */
export function secretsOutOfArgs(args: readonly string[]): { args: string[]; env: Record<string, string> } {
  const out: string[] = [];
  const env: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    const eq = args[i].indexOf('=');
    const flag = eq > 0 ? args[i].slice(0, eq) : args[i];
    const name = SECRET_FLAGS[flag];
    if (name !== undefined && eq > 0) env[name] = args[i].slice(eq + 1);
    else if (name !== undefined && i + 1 < args.length) env[name] = args[++i];
    else out.push(args[i]);
  }
  return { args: out, env };
}
