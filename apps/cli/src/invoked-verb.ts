/** `flotilla compose` options that take a value: the word after one is that value, not the verb. */
const COMPOSE_VALUE_OPTIONS = new Set(['-f', '--file', '-p', '--project-name', '--project-directory', '--env-file', '--profile']);
const HELP = new Set(['-h', '--help']);

export interface InvokedVerb {
  /** The top-level command (`compose`, `service`...), when the first word names one. */
  noun?: string;
  /** For `compose`, its verb, when it is found before anything that could change its meaning. */
  verb?: string;
}

/**
 * Which command a command line runs (`args` is process.argv without node and the script), read
 * only as far as it can be read for sure. What is not found (help asked for, an option not
 * known here) is left undefined: the caller then loads every command and lets commander decide.
 */
export function invokedVerb(args: readonly string[]): InvokedVerb {
  const noun = args[0];
  if (noun === undefined || noun.startsWith('-')) return {};
  if (noun !== 'compose') return args.some((a) => HELP.has(a)) ? {} : { noun };
  if (args.some((a) => HELP.has(a))) return { noun };
  for (let i = 1; i < args.length; i++) {
    const a = args[i];
    // `compose help X` shows another verb: it needs them all.
    if (a === 'help') return { noun };
    if (!a.startsWith('-') || a === '-') return { noun, verb: a };
    if (a === '--') return { noun };
    if (a.startsWith('--') && a.includes('=') && COMPOSE_VALUE_OPTIONS.has(a.slice(0, a.indexOf('=')))) continue;
    if (COMPOSE_VALUE_OPTIONS.has(a)) {
      i++;
      continue;
    }
    // `-fFILE`, `-pNAME`: a short option with its value attached.
    if (/^-[fp]./.test(a)) continue;
    return { noun };
  }
  return { noun };
}
