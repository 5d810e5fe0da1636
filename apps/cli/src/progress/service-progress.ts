import type { Task, TaskState } from '@flotilla/contracts';

/**
 * Convergence progress as docker's CLI shows it (cli/command/service/progress):
 * pure functions from the tasks seen to the lines to show. The writer decides
 * how (redrawn on a terminal, plain lines otherwise).
 */
export interface ProgressLine {
  /** What the line is about: `overall progress`, a slot (`2/5`), a node, `verify`. */
  readonly id: string;
  readonly text: string;
  /** A bar on a terminal; lines with one are not printed plain, as docker does. */
  readonly bar?: { readonly current: number; readonly total: number };
  /** After the bar on a terminal (bytes: `  1.536kB/3.2MB`). */
  readonly after?: string;
}

export interface ProgressFrame {
  readonly lines: readonly ProgressLine[];
  readonly done: boolean;
}

/** How far along each state is, out of 9 (10 for jobs, which go on to complete): docker's numbering. */
const RANK: Partial<Record<TaskState, number>> = {
  new: 1,
  pending: 3,
  assigned: 4,
  accepted: 5,
  preparing: 6,
  ready: 7,
  starting: 8,
  running: 9,
  complete: 10,
};
/** States are padded to the longest one shown, `preparing`. */
const STATE_WIDTH = 9;
const FAILED: ReadonlySet<TaskState> = new Set(['failed', 'rejected']);

type TaskView = Pick<Task, 'ID' | 'Slot' | 'NodeID' | 'DesiredState' | 'Status' | 'CreatedAt'>;

/** The newest task of each key (slot or node): the one the service now counts on. */
function newestBy(tasks: readonly TaskView[], key: (t: TaskView) => string | number | undefined): Map<string | number, TaskView> {
  const out = new Map<string | number, TaskView>();
  for (const t of tasks) {
    const k = key(t);
    if (k === undefined) continue;
    const seen = out.get(k);
    if (!seen || seen.CreatedAt < t.CreatedAt) out.set(k, t);
  }
  return out;
}

function taskLine(id: string, t: TaskView | undefined, total: number): ProgressLine {
  if (!t) return { id, text: '' };
  // docker shows a failed task's error in place of its bar.
  if (t.Status.Err && FAILED.has(t.Status.State)) return { id, text: t.Status.Err.split('\n')[0] };
  return { id, text: t.Status.State.padEnd(STATE_WIDTH), bar: { current: Math.min(RANK[t.Status.State] ?? 0, total), total } };
}

/** A replicated service: one line per slot, `overall progress: R out of N tasks`. */
export function replicatedFrame(replicas: number, tasks: readonly TaskView[]): ProgressFrame {
  const bySlot = newestBy(tasks, (t) => t.Slot);
  const lines: ProgressLine[] = [];
  let running = 0;
  for (let slot = 1; slot <= replicas; slot++) {
    const t = bySlot.get(slot);
    if (t?.Status.State === 'running') running++;
    lines.push(taskLine(`${slot}/${replicas}`, t, 9));
  }
  return { lines: [{ id: 'overall progress', text: `${running} out of ${replicas} tasks` }, ...lines], done: running >= replicas };
}

/** A global service: one line per node (12-character id), out of the tasks the service wants. */
export function globalFrame(desired: number, tasks: readonly TaskView[]): ProgressFrame {
  const byNode = newestBy(tasks, (t) => t.NodeID || undefined);
  const nodes = [...byNode.keys()].map(String).sort();
  const running = nodes.filter((n) => byNode.get(n)!.Status.State === 'running').length;
  return {
    lines: [{ id: 'overall progress', text: `${running} out of ${desired} tasks` }, ...nodes.map((n) => taskLine(n.slice(0, 12), byNode.get(n), 9))],
    // As flotilla waited before: a node that cannot run it yet is not waited for.
    done: running >= desired,
  };
}

/** A replicated job: completions with a bar, the tasks active now, one line per slot. */
export function jobFrame(total: number, maxConcurrent: number, tasks: readonly TaskView[]): ProgressFrame {
  const bySlot = newestBy(tasks, (t) => t.Slot);
  const complete = [...bySlot.values()].filter((t) => t.Status.State === 'complete').length;
  const active = [...bySlot.values()].filter((t) => (RANK[t.Status.State] ?? 0) >= RANK.pending! && t.Status.State !== 'complete').length;
  const wanted = Math.min(maxConcurrent, total - complete);
  const lines: ProgressLine[] = [
    { id: 'job progress', text: `${complete} out of ${total} complete`, bar: { current: complete, total } },
    { id: 'active tasks', text: `${active} out of ${wanted} tasks` },
  ];
  for (let slot = 1; slot <= total; slot++) lines.push(taskLine(`${slot}/${total}`, bySlot.get(slot), 10));
  return { lines, done: complete >= total };
}

/** The last line, once done: a job is complete, a service converged (named as the user named it). */
export function finalLine(kind: 'service' | 'job', ref: string): ProgressLine {
  return kind === 'job' ? { id: '', text: 'job complete' } : { id: 'verify', text: `Service ${ref} converged` };
}

/** docker's bar: 50 cells, `=` for what is done, `>` at the head. */
export function bar(current: number, total: number): string {
  const n = total > 0 ? Math.floor((50 * Math.min(current, total)) / total) : 0;
  return `[${'='.repeat(n)}>${' '.repeat(50 - n)}]`;
}

/** A line as a terminal shows it; docker leaves the bar out below 110 columns. */
export function ttyLine(l: ProgressLine, columns: number): string {
  const head = l.id ? `${l.id}: ${l.text}` : l.text;
  const withBar = l.bar && columns > 110 ? `${head} ${bar(l.bar.current, l.bar.total)}` : head;
  return (l.after ? `${withBar} ${l.after}` : withBar).trimEnd();
}

/** A line as docker prints it to a pipe (an empty slot keeps its two spaces). */
export function plainLine(l: ProgressLine): string {
  if (!l.id) return l.text;
  return l.text ? `${l.id}: ${l.text}` : `${l.id}:  `;
}
