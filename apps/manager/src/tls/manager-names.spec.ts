import { describe, expect, it } from 'vitest';
import { managerAddresses } from './manager-names';

describe('managerAddresses', () => {
  it.each([
    [{ advertiseAddr: '10.0.0.2:2377', listenHost: '0.0.0.0' }, ['10.0.0.2', '127.0.0.1']],
    [{ advertiseAddr: '10.0.0.2:2377', listenHost: '10.0.0.3' }, ['10.0.0.2', '10.0.0.3', '127.0.0.1']],
    [{ advertiseAddr: '127.0.0.1:4000', listenHost: '127.0.0.1' }, ['127.0.0.1']],
    [{ advertiseAddr: 'manager-1:2377', listenHost: '::' }, ['127.0.0.1']],
  ])('%o → %o', (config, ips) => expect(managerAddresses(config, 'h1')).toEqual({ ips, hostname: 'h1' }));
});
