import { describe, expect, it } from 'vitest';
import type { Task } from '@flotilla/contracts';
import { NameTable, upstreamServers } from './name-table';

const overlay = [
  {
    networkId: 'front',
    peers: [],
    services: [
      { serviceId: 's1', names: ['app_web', 'web'], addresses: ['10.1.0.2', '10.1.0.3'] },
      { serviceId: 's2', names: ['app_db', 'web'], addresses: ['10.1.0.9'] },
    ],
  },
  { networkId: 'back', peers: [], services: [{ serviceId: 's2', names: ['app_db', 'db'], addresses: ['10.2.0.5'] }] },
];
const local = {
  ID: 't1',
  NetworksAttachments: [
    { Network: { ID: 'front', Spec: { Name: 'front' } }, Addresses: ['10.1.0.2/24'] },
    { Network: { ID: 'back', Spec: { Name: 'back' } }, Addresses: ['10.2.0.7/24'] },
  ],
} as Task;

describe('NameTable', () => {
  const table = NameTable.from(overlay, [local]);

  it.each([
    ['web', 'front', undefined, ['10.1.0.2', '10.1.0.3']],
    ['tasks.web', 'front', undefined, ['10.1.0.2', '10.1.0.3']],
    ['APP_WEB.', 'front', undefined, ['10.1.0.2', '10.1.0.3']],
    ['app_db', 'front', undefined, ['10.1.0.9']],
    ['app_db', 'back', undefined, ['10.2.0.5']],
    ['db', 'front', undefined, undefined],
    ['db', 'front', '10.1.0.2', ['10.2.0.5']],
    ['example.com', 'front', '10.1.0.2', undefined],
    ['web', 'elsewhere', undefined, undefined],
  ])('%s asked on %s by %s', (name, net, from, want) => {
    expect(table.resolve(name, net, from)).toEqual(want);
  });
});

describe('upstreamServers', () => {
  it('keeps IPv4 nameservers that are not ours', () => {
    expect(upstreamServers('# x\nnameserver 10.0.0.1\nnameserver ::1\nsearch lan\nnameserver 192.168.1.1\n', new Set(['10.0.0.1']))).toEqual(['192.168.1.1']);
  });
});
