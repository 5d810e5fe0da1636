import { describe, expect, it } from 'vitest';
import type { TaskReport } from '@flotilla/contracts';
import { Reporter } from './reporter';
import type { ManagerClient } from './manager-client';

function fakeClient(fail = 0) {
  const sent: TaskReport[][] = [];
  let failures = fail;
  const client = {
    report: async (_node: string, reports: TaskReport[]) => {
      if (failures-- > 0) throw new Error('manager down');
      sent.push(reports);
    },
  } as unknown as ManagerClient;
  return { client, sent };
}

describe('Reporter', () => {
  it('merges two reports of the same state, keeping the richer fields', async () => {
    const { client, sent } = fakeClient();
    const r = new Reporter(client, () => 'n', 60_000);
    r.push({ taskId: 't', state: 'running', message: 'started', containerId: 'abcdef123456', command: 'httpd -f' });
    r.push({ taskId: 't', state: 'running', message: 'started', containerId: 'abcdef123456' });
    await r.flush();
    r.stop();
    expect(sent).toEqual([[{ taskId: 't', state: 'running', message: 'started', containerId: 'abcdef123456', command: 'httpd -f' }]]);
  });

  it('a later state replaces an earlier one', async () => {
    const { client, sent } = fakeClient();
    const r = new Reporter(client, () => 'n', 60_000);
    r.push({ taskId: 't', state: 'starting', message: 'starting' });
    r.push({ taskId: 't', state: 'running', message: 'started' });
    await r.flush();
    r.stop();
    expect(sent[0].map((x) => x.state)).toEqual(['running']);
  });

  it('keeps reports across a failed send', async () => {
    const { client, sent } = fakeClient(1);
    const r = new Reporter(client, () => 'n', 60_000);
    r.push({ taskId: 't', state: 'running', message: 'started' });
    await r.flush();
    expect(sent).toEqual([]);
    await r.flush();
    r.stop();
    expect(sent[0].map((x) => x.taskId)).toEqual(['t']);
  });
});
