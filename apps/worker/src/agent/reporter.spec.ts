import { describe, expect, it } from 'vitest';
import type { TaskReport } from '@flotilla/contracts';
import { Reporter, repeats } from './reporter';
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

  it('does not send again what the manager acknowledged, or what is on its way; news goes', async () => {
    const { client, sent } = fakeClient();
    const r = new Reporter(client, () => 'n', 60_000);
    r.push({ taskId: 't', state: 'running', message: 'started', containerId: 'abcdef123456' });
    const first = r.flush();
    // A sync that fetched the set before the report landed: the same state, less said.
    r.push({ taskId: 't', state: 'running', message: 'running' });
    await first;
    r.push({ taskId: 't', state: 'running', message: 'running', containerId: 'abcdef123456' });
    await r.flush();
    expect(sent.length).toBe(1);
    r.push({ taskId: 't', state: 'running', message: 'running', health: 'healthy' });
    r.push({ taskId: 'u', state: 'running', message: 'started' });
    await r.flush();
    r.push({ taskId: 't', state: 'failed', message: 'exited', exitCode: 3 });
    await r.flush();
    r.stop();
    expect(sent.map((b) => b.map((x) => `${x.taskId}:${x.state}:${x.health ?? ''}`))).toEqual([['t:running:'], ['t:running:healthy', 'u:running:'], ['t:failed:']]);
  });

  it('sends again what failed to arrive', async () => {
    const { client, sent } = fakeClient(1);
    const r = new Reporter(client, () => 'n', 60_000);
    r.push({ taskId: 't', state: 'running', message: 'started' });
    await r.flush();
    // The batch went back to pending: a repeat merges into it and it goes on the next flush.
    r.push({ taskId: 't', state: 'running', message: 'started' });
    await r.flush();
    r.stop();
    expect(sent).toEqual([[{ taskId: 't', state: 'running', message: 'started' }]]);
  });
});

describe('repeats', () => {
  const base: TaskReport = { taskId: 't', state: 'running', message: 'started', containerId: 'abcdef123456', published: ['0.0.0.0'] };
  it('a report saying no more than the known one repeats it', () => {
    expect(repeats({ taskId: 't', state: 'running', message: 'other words' }, { ...base, published: ['0.0.0.0'] })).toBe(true);
    expect(repeats({ ...base, published: ['0.0.0.0'] }, { ...base, published: ['0.0.0.0'] })).toBe(true);
  });
  it('another state, a new field value, or a new preparing message is news', () => {
    const known = { ...base, published: ['0.0.0.0'] };
    expect(repeats({ ...base, state: 'failed' }, known)).toBe(false);
    expect(repeats({ ...base, published: ['0.0.0.0', '::'] }, known)).toBe(false);
    expect(repeats({ ...base, paused: true }, known)).toBe(false);
    expect(repeats({ ...base, addresses: { n1: '10.0.0.2/24' } }, known)).toBe(false);
    expect(repeats({ taskId: 't', state: 'preparing', message: 'shipping 40%' }, { taskId: 't', state: 'preparing', message: 'shipping 20%' })).toBe(false);
  });
});
