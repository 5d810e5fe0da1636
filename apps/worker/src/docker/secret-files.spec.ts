import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Secret, Task } from '@flotilla/contracts';
import { addSecretMounts, planSecretFiles, sweepSecretFiles, writeSecretFiles } from './secret-files';
import type { ContainerCreateBody } from './container-config';

const obj = (id: string, name: string, data?: string): Secret => ({
  ID: id,
  Version: { Index: 1 },
  CreatedAt: '',
  UpdatedAt: '',
  Spec: { Name: name, ...(data !== undefined ? { Data: Buffer.from(data).toString('base64') } : {}) },
});

const task = (cs: Partial<Task['Spec']['ContainerSpec']>): Task => ({
  ID: 't1',
  Version: { Index: 1 },
  CreatedAt: '',
  UpdatedAt: '',
  ServiceID: 's',
  Spec: { ContainerSpec: { Image: 'x', ...cs } },
  Status: { Timestamp: '', State: 'assigned', Message: '' },
  DesiredState: 'running',
});

describe('planSecretFiles', () => {
  const secrets = new Map([['sid', obj('sid', 'st_token', 's3cret\n')]]);
  const configs = new Map([['cid', obj('cid', 'conf', 'a=1')]]);

  it.each([
    ['secret, relative name', { Secrets: [{ SecretID: 'sid', SecretName: 'st_token', File: { Name: 'token', UID: '0', GID: '0', Mode: 0o444 } }] }, '/run/secrets/token', 0o444],
    ['secret, absolute name', { Secrets: [{ SecretID: 'sid', SecretName: 'st_token', File: { Name: '/etc/tok', Mode: 0o400 } }] }, '/etc/tok', 0o400],
    ['secret, no File', { Secrets: [{ SecretID: 'sid', SecretName: 'st_token' }] }, '/run/secrets/st_token', 0o444],
    ['config, relative name', { Configs: [{ ConfigID: 'cid', ConfigName: 'conf', File: { Name: 'app.conf' } }] }, '/app.conf', 0o444],
  ])('%s', (_n, cs, target, mode) => {
    const p = planSecretFiles(task(cs), secrets, configs, '/data/secrets');
    expect(p.missing).toEqual([]);
    expect(p.files).toHaveLength(1);
    expect(p.files[0].target).toBe(target);
    expect(p.files[0].mode).toBe(mode);
    expect(p.files[0].source.startsWith('/data/secrets/t1/')).toBe(true);
  });

  it('names what the node was not given', () => {
    const p = planSecretFiles(task({ Secrets: [{ SecretID: 'other', SecretName: 'nope', File: { Name: 'x' } }] }), secrets, configs, '/d');
    expect(p.missing).toEqual(['nope']);
    expect(p.files).toEqual([]);
  });

  it('binds each file read-only, after the mounts the task already has', () => {
    const body = { HostConfig: { Mounts: [{ Type: 'volume', Source: 'v', Target: '/v' }] } } as unknown as ContainerCreateBody;
    const p = planSecretFiles(task({ Secrets: [{ SecretID: 'sid', SecretName: 'st_token', File: { Name: 'token' } }] }), secrets, configs, '/d');
    addSecretMounts(body, p.files);
    expect(body.HostConfig.Mounts).toEqual([
      { Type: 'volume', Source: 'v', Target: '/v' },
      { Type: 'bind', Source: '/d/t1/s-sid', Target: '/run/secrets/token', ReadOnly: true },
    ]);
  });
});

describe('secret files on disk', () => {
  it('are written root-only with their mode, and swept when no task needs them', async () => {
    const root = join(mkdtempSync(join(tmpdir(), 'flotilla-secrets-')), 'secrets');
    try {
      const secrets = new Map([['sid', obj('sid', 'st_token', 's3cret\n')]]);
      const p = planSecretFiles(task({ Secrets: [{ SecretID: 'sid', SecretName: 'st_token', File: { Name: 'token', Mode: 0o400 } }] }), secrets, new Map(), root);
      await writeSecretFiles(root, 't1', p.files);
      expect(readFileSync(p.files[0].source, 'utf8')).toBe('s3cret\n');
      expect(statSync(p.files[0].source).mode & 0o777).toBe(0o400);
      expect(statSync(root).mode & 0o777).toBe(0o700);
      expect(statSync(join(root, 't1')).mode & 0o777).toBe(0o700);
      await sweepSecretFiles(root, new Set(['t1']));
      expect(readdirSync(root)).toEqual(['t1']);
      await sweepSecretFiles(root, new Set());
      expect(readdirSync(root)).toEqual([]);
    } finally {
      rmSync(join(root, '..'), { recursive: true, force: true });
    }
  });
});
