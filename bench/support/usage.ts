import { readFileSync } from 'node:fs';

/**
 * `--help` / `-h`: prints the bench's own doc comment (its first block, where
 * the Usage line lives) and exits, instead of starting a run of minutes.
 * `source` is the compiled file (__filename); its .ts sits beside it in bench/.
 */
export function exitOnHelp(source: string): void {
  if (!process.argv.includes('--help') && !process.argv.includes('-h')) return;
  const ts = source.replace(/\/dist\/bench\//, '/bench/').replace(/\.js$/, '.ts');
  let text = '';
  try {
    const m = /\/\*\*([\s\S]*?)\*\//.exec(readFileSync(ts, 'utf8'));
    text = m ? m[1].split('\n').map((l) => l.replace(/^\s*\* ?/, '')).join('\n').trim() : '';
  } catch {
    /* no source beside the build: say where to look */
  }
  process.stdout.write(`${text || `see ${ts}`}\n`);
  process.exit(0);
}
