import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Task, TaskState } from '@flotilla/contracts';
import { finalLine, globalFrame, jobFrame, replicatedFrame, ttyLine, type ProgressFrame, type ProgressLine } from './service-progress';
import { PlainProgressWriter, TtyProgressWriter } from './progress-writer';
import { finalScreen } from '../../../../test/support/terminal';

/** Docker 28.2's output against a real swarm (testdata/README.md says how it was recorded). */
const golden = (name: string) => readFileSync(join(__dirname, 'testdata', `docker-${name}.golden`), 'utf8');

const task = (slot: number, state: TaskState, created = '2026-01-01T00:00:01Z', extra: Partial<Task> = {}) =>
  ({ ID: `t${slot}${state}`, Slot: slot, NodeID: 'bxqhb0g4mzrs54fguvsj89puo', DesiredState: 'running', CreatedAt: created, Status: { State: state, Timestamp: created, Message: '' }, ...extra }) as Task;

function ttyRun(head: string, frames: ProgressFrame[], last: ProgressLine, columns = 160): string {
  let out = head;
  const w = new TtyProgressWriter({ write: (s: string) => (out += s), isTTY: true, columns });
  for (const f of frames) w.update(f);
  w.end(last);
  return finalScreen(out);
}

function plainRun(frames: ProgressFrame[], last: ProgressLine): string {
  let out = '';
  const w = new PlainProgressWriter({ write: (s: string) => (out += s) });
  for (const f of frames) w.update(f);
  w.end(last);
  return out;
}

/** docker's piped output, without its 5-second stability countdown and its repeats of an unchanged line. */
function dockerPlain(text: string, from: RegExp): string {
  const lines = text.split('\n');
  const last = new Map<string, string>();
  const out: string[] = [];
  for (const l of lines.slice(lines.findIndex((x) => from.test(x)))) {
    if (!l || l.startsWith('verify: Waiting')) continue;
    const id = l.includes(': ') ? l.slice(0, l.indexOf(': ')) : l;
    if (last.get(id) === l) continue;
    last.set(id, l);
    out.push(l);
  }
  return out.join('\n') + '\n';
}

describe('progress lines', () => {
  it('draws every state bar docker drew (9 steps for a service, 10 for a job)', () => {
    const states: TaskState[] = ['pending', 'assigned', 'preparing', 'starting', 'running'];
    const drawn = new Set<string>();
    for (const s of states) {
      drawn.add(ttyLine(replicatedFrame(1, [task(1, s)]).lines[1], 160).replace(/^1\/1: /, ''));
      drawn.add(ttyLine(jobFrame(1, 1, [task(1, s)]).lines[2], 160).replace(/^1\/1: /, ''));
    }
    drawn.add(ttyLine(jobFrame(1, 1, [task(1, 'complete')]).lines[2], 160).replace(/^1\/1: /, ''));
    expect([...drawn].sort()).toEqual(golden('slot-bars').trim().split('\n').sort());
  });

  it.each<[string, ProgressFrame, string[]]>([
    ['nothing yet', replicatedFrame(2, []), ['overall progress: 0 out of 2 tasks', '1/2:', '2/2:']],
    ['the newest task of a slot counts', replicatedFrame(1, [task(1, 'running', 'a'), task(1, 'pending', 'b')]), ['overall progress: 0 out of 1 tasks', '1/1: pending']],
    ['a slot beyond the replicas (scaling down) is not shown', replicatedFrame(1, [task(1, 'running'), task(2, 'running')]), ['overall progress: 1 out of 1 tasks', '1/1: running']],
    ['a failed task shows its error', replicatedFrame(1, [task(1, 'rejected', 'a', { Status: { State: 'rejected', Err: 'no such image: x\nmore', Message: '', Timestamp: '' } })]), ['overall progress: 0 out of 1 tasks', '1/1: no such image: x']],
    ['global: one line per node', globalFrame(1, [task(0, 'running')]), ['overall progress: 1 out of 1 tasks', 'bxqhb0g4mzrs: running']],
    ['job: active tasks out of what may run now', jobFrame(3, 2, [task(1, 'complete'), task(2, 'running')]), ['job progress: 1 out of 3 complete', 'active tasks: 1 out of 2 tasks', '1/3: complete', '2/3: running', '3/3:']],
  ])('%s', (_name, frame, lines) => {
    // Below 110 columns docker leaves bars out: the text alone.
    expect(frame.lines.map((l) => ttyLine(l, 100))).toEqual(lines);
  });

  it.each<[string, ProgressFrame, boolean]>([
    ['replicated, all running', replicatedFrame(2, [task(1, 'running'), task(2, 'running')]), true],
    ['replicated, one starting', replicatedFrame(2, [task(1, 'running'), task(2, 'starting')]), false],
    ['replicated, zero replicas', replicatedFrame(0, []), true],
    ['global, one node of two running', globalFrame(2, [task(0, 'running')]), false],
    ['job, all complete', jobFrame(2, 2, [task(1, 'complete'), task(2, 'complete')]), true],
    ['job, one to go', jobFrame(2, 2, [task(1, 'complete'), task(2, 'running')]), false],
  ])('done: %s', (_name, frame, done) => {
    expect(frame.done).toBe(done);
  });
});

describe('against docker’s recorded output', () => {
  const scaleTo5 = [
    replicatedFrame(5, []),
    replicatedFrame(5, [task(1, 'running'), task(2, 'pending'), task(3, 'pending'), task(4, 'pending'), task(5, 'running')]),
    replicatedFrame(5, [task(1, 'running'), task(2, 'preparing'), task(3, 'starting'), task(4, 'running'), task(5, 'running')]),
    replicatedFrame(5, [1, 2, 3, 4, 5].map((s) => task(s, 'running'))),
  ];

  it('service scale on a terminal ends on the screen docker ends on', () => {
    expect(ttyRun('web scaled to 5\n', scaleTo5, finalLine('service', 'web'))).toBe(golden('scale-tty'));
  });

  it('service update on a terminal', () => {
    expect(ttyRun('web\n', scaleTo5, finalLine('service', 'web'))).toBe(golden('update-tty'));
  });

  it('stack deploy on a terminal (the service named by its id, as docker does)', () => {
    const frames = [replicatedFrame(2, []), replicatedFrame(2, [task(1, 'running'), task(2, 'running')])];
    expect(ttyRun('Creating network st_default\nCreating service st_a\n', frames, finalLine('service', 'uos6sq0efway38bhztt5lsm6b'))).toBe(golden('stack-tty'));
  });

  it('a global service at 100 columns: no bars', () => {
    const id = 'mc53swf3oy3w6kq6bp6igwiaq';
    const frames = [globalFrame(1, []), globalFrame(1, [task(0, 'running')])];
    const docker = golden('global-tty');
    expect(ttyRun(`${id}\n`, frames, finalLine('service', id), 100)).toBe(docker.slice(docker.indexOf(id)));
  });

  it('a replicated job on a terminal', () => {
    const id = 'w15c0q8nbdof1ev66ebdyh6jz';
    const frames = [jobFrame(3, 3, []), jobFrame(3, 3, [1, 2, 3].map((s) => task(s, 'running'))), jobFrame(3, 3, [1, 2, 3].map((s) => task(s, 'complete')))];
    const docker = golden('job-tty');
    expect(ttyRun(`${id}\n`, frames, finalLine('job', id))).toBe(docker.slice(docker.indexOf(id)));
  });

  it.each([
    ['scale-plain', 'web'],
    ['update-plain', 'web'],
    ['create-plain', 'c9alr9qflnyram9ldaujtq32p'],
    ['stack-wait-plain', 'xyvvktwpewog6n51zgx80hn1p'],
  ])('piped, as docker’s %s', (name, ref) => {
    const n = name === 'create-plain' ? 3 : 2;
    const all = (s: TaskState) => Array.from({ length: n }, (_, i) => task(i + 1, s));
    const frames = [replicatedFrame(n, []), replicatedFrame(n, all('preparing')), replicatedFrame(n, [task(1, 'running'), ...all('preparing').slice(1)]), replicatedFrame(n, all('running'))];
    if (n === 3) frames.splice(3, 0, replicatedFrame(3, [task(1, 'running'), task(2, 'running'), task(3, 'starting')]));
    // Scaled down from 5, the 2 kept were running from the first look.
    if (name === 'scale-plain') frames.splice(1, 2);
    const ran = plainRun(frames, finalLine('service', ref));
    expect(ran).toBe(dockerPlain(golden(name), /^overall progress/));
  });

  it('a replicated job, piped', () => {
    const frames = [jobFrame(2, 2, []), jobFrame(2, 2, [task(1, 'running'), task(2, 'running')]), jobFrame(2, 2, [task(1, 'complete'), task(2, 'complete')])];
    expect(plainRun(frames, finalLine('job', 'x'))).toBe(dockerPlain(golden('job-plain'), /^active tasks/));
  });
});
