import type { TaskContainer } from './task-containers';
import { engineMessage } from '../client/node-engine';
import { ParallelLines } from './verbs/parallel-lines';

/**
 * 1.29's parallel progress for a verb over containers, as it prints it
 * without a TTY: `Killing p_web_1 ... ` then `Killing p_web_1 ... done` (or
 * `error`) on stderr, the errors after a blank line as `ERROR: for NAME  MSG`.
 * A failure does not change the exit code, as in 1.29.
 */
export async function eachContainer(verb: string, containers: TaskContainer[], act: (c: TaskContainer) => Promise<unknown>): Promise<void> {
  const w = new ParallelLines(!!process.stderr.isTTY);
  const names = containers.map((c) => c.name);
  w.add(verb, names);
  process.stderr.write(w.initial(verb, names));
  const line = (c: TaskContainer, end: 'done' | 'error') => process.stderr.write(w.status(verb, c.name, end));
  const errors: string[] = [];
  await Promise.all(
    containers.map(async (c) => {
      try {
        await act(c);
        line(c, 'done');
      } catch (e) {
        line(c, 'error');
        errors.push(`ERROR: for ${c.name}  ${engineMessage(e)}`);
      }
    }),
  );
  if (errors.length) process.stderr.write(`\n${errors.join('\n')}\n`);
}
