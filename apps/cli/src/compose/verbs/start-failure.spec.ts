import { describe, expect, it } from 'vitest';
import { containerErrorBlock, failureReason, hostInUseLine, scaleFailure, type StartFailure } from './start-failure';

const PORT = 'driver failed programming external connectivity on endpoint p_web.3.x (ID): all ports are allocated';
const taken: StartFailure = { service: 'web', err: PORT, slot: 3, step: 'starting' };
const noImage: StartFailure = { service: 'web', err: 'No such image: nope', slot: 1, step: 'preparing' };

describe('start failures in 1.29 words', () => {
  it('a container made but not started: "Cannot start service"; one never made: the engine\'s words alone', () => {
    expect(failureReason(taken)).toBe(`Cannot start service web: ${PORT}`);
    expect(failureReason(noImage)).toBe('No such image: nope');
    const conflict = 'Conflict. The container name "/db" is already in use by container "c1".';
    expect(failureReason({ service: 'db', err: conflict, slot: 2, step: 'creating' })).toBe(`Cannot create container for service db: ${conflict}`);
  });

  it('"Host is already in use by another container" only for a port the engine could not bind', () => {
    expect(hostInUseLine(taken, false)).toBe('Host is already in use by another container\n');
    expect(hostInUseLine(taken, true)).toBe('\x1b[33mWARNING\x1b[0m: Host is already in use by another container\n');
    expect(hostInUseLine(noImage, false)).toBe('');
    expect(hostInUseLine({ ...taken, step: 'creating' }, false)).toBe('');
  });

  it('the error block: a blank line, then ERROR: for NAME and two spaces', () => {
    expect(containerErrorBlock('p_web_3', taken)).toBe(`\nERROR: for p_web_3  Cannot start service web: ${PORT}\n`);
  });

  it('scale: the created containers that run done, the failed one error (after the port line), then its block', () => {
    const out = scaleFailure([{ name: 'p_web_2', slot: 2 }, { name: 'p_web_3', slot: 3 }], new Set([1, 2]), taken, false);
    expect(out).toBe(
      'Creating p_web_2 ... done\r\n' +
        'Host is already in use by another container\n' +
        'Creating p_web_3 ... error\r\n' +
        `\nERROR: for p_web_3  Cannot start service web: ${PORT}\n`,
    );
    // A failure of a container this scale did not create: nothing of its own to print.
    expect(scaleFailure([{ name: 'p_web_2', slot: 2 }], new Set([1]), taken, false)).toBe('');
    // A container_name: the slot, not the name, tells which line failed.
    expect(scaleFailure([{ name: 'store', slot: 2 }], new Set([1]), { ...taken, slot: 2, step: 'creating', err: 'Conflict.' }, false)).toBe(
      'Creating store ... error\r\n\nERROR: for store  Cannot create container for service web: Conflict.\n',
    );
  });
});
