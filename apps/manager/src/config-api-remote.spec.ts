import { describe, expect, it } from 'vitest';
import { loadManagerConfig } from './config';

describe('manager --api-remote', () => {
  it('is off by default; plain HTTP to other hosts only with the test escape', () => {
    expect(loadManagerConfig([], {})).toMatchObject({ apiRemote: false, apiRemotePlain: false });
    expect(loadManagerConfig(['--api-remote'], {})).toMatchObject({ apiRemote: true, apiRemotePlain: false });
    expect(loadManagerConfig(['--api-remote'], { FLOTILLA_API_REMOTE_PLAIN: '1' })).toMatchObject({ apiRemote: true, apiRemotePlain: true });
    expect(loadManagerConfig(['--api-remote'], { FLOTILLA_API_REMOTE_PLAIN: '0' })).toMatchObject({ apiRemotePlain: false });
  });
});
