import { describe, expect, it } from 'vitest';
import { renderBuildEvent } from './build-output';

describe('renderBuildEvent: the /build stream as docker-compose 1.29 prints it piped', () => {
  it.each([
    [{ stream: 'Step 1/3 : FROM flotilla/busybox:latest\n' }, { text: 'Step 1/3 : FROM flotilla/busybox:latest\n' }],
    [{ stream: ' ---> bd301cc7a8da\n' }, { text: ' ---> bd301cc7a8da\n' }],
    [{ status: 'Pulling from library/x', id: 'latest' }, { text: 'latest: Pulling from library/x\n' }],
    [{ aux: { ID: 'sha256:abc' } }, {}],
    [
      { errorDetail: { message: "The command '/bin/sh -c exit 3' returned a non-zero code: 3" }, error: 'ignored' },
      { error: "The command '/bin/sh -c exit 3' returned a non-zero code: 3" },
    ],
    [{ error: 'only error' }, { error: 'only error' }],
  ])('%j', (e, want) => {
    expect(renderBuildEvent(e)).toEqual(want);
  });
});
