import { afterEach, describe, expect, it } from 'vitest';
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Service } from '@flotilla/contracts';
import { put } from '@flotilla/state';
import { LocalStore } from './local-store';

const at = '2026-01-01T00:00:00.000Z';
const svc = (id: string, name: string): Service => ({
  ID: id,
  Version: { Index: 0 },
  CreatedAt: at,
  UpdatedAt: at,
  Spec: { Name: name, TaskTemplate: { ContainerSpec: { Image: 'x' } }, Mode: { Replicated: { Replicas: 1 } } },
  Endpoint: { Spec: {} },
});

const dirs: string[] = [];
function dir() {
  const d = mkdtempSync(join(tmpdir(), 'flotilla-store-'));
  dirs.push(d);
  return d;
}
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('LocalStore (real files)', () => {
  it('keeps acknowledged writes across a restart', async () => {
    const d = dir();
    const a = new LocalStore(d);
    a.open();
    await Promise.all([a.propose({ ops: [put('service', svc('s1', 'web'), null)] }), a.propose({ ops: [put('service', svc('s2', 'db'), null)] })]);
    a.close();
    const b = new LocalStore(d);
    b.open();
    expect([...b.view().services.keys()].sort()).toEqual(['s1', 's2']);
    expect(b.view().index).toBe(2);
    b.close();
  });

  it('rejects a conflicting batch without losing the rest of its group', async () => {
    const a = new LocalStore(dir());
    a.open();
    const results = await Promise.allSettled([
      a.propose({ ops: [put('service', svc('s1', 'web'), null)] }),
      a.propose({ ops: [put('service', svc('s2', 'web'), null)] }),
      a.propose({ ops: [put('service', svc('s3', 'api'), null)] }),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect([...a.view().services.keys()].sort()).toEqual(['s1', 's3']);
    a.close();
  });

  it('drops a torn last line after a crash', async () => {
    const d = dir();
    const a = new LocalStore(d);
    a.open();
    await a.propose({ ops: [put('service', svc('s1', 'web'), null)] });
    a.close();
    appendFileSync(join(d, 'log.jsonl'), '{"i":2,"b":{"ops":[{"op":"put","ki');
    const b = new LocalStore(d);
    b.open();
    expect(b.view().index).toBe(1);
    await b.propose({ ops: [put('service', svc('s2', 'db'), null)] });
    b.close();
    const c = new LocalStore(d);
    c.open();
    expect([...c.view().services.keys()].sort()).toEqual(['s1', 's2']);
    c.close();
  });

  it('refuses to start on corruption before the tail', async () => {
    const d = dir();
    const a = new LocalStore(d);
    a.open();
    await a.propose({ ops: [put('service', svc('s1', 'web'), null)] });
    await a.propose({ ops: [put('service', svc('s2', 'db'), null)] });
    a.close();
    const lines = readFileSync(join(d, 'log.jsonl'), 'utf8').split('\n');
    lines[0] = lines[0].slice(0, 10);
    writeFileSync(join(d, 'log.jsonl'), lines.join('\n'));
    expect(() => new LocalStore(d).open()).toThrow(/corrupt at line 1/);
  });

  it('notifies watchers after apply, in index order', async () => {
    const a = new LocalStore(dir());
    a.open();
    const seen: number[] = [];
    a.watch((e) => seen.push(e.index));
    await a.propose({ ops: [put('service', svc('s1', 'web'), null)] });
    await a.propose({ ops: [put('service', svc('s2', 'db'), null)] });
    expect(seen).toEqual([1, 2]);
    a.close();
  });
});
