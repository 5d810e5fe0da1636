import type Docker from 'dockerode';
import type { Duplex } from 'node:stream';

/**
 * Joins a hijacked exec/attach stream to this process's stdio until the
 * container side ends: raw mode and resizes on a TTY, Docker's 8-byte frames
 * split to stdout and stderr without one, and the end of stdin passed on (a
 * half-close) so `cat` and friends finish.
 */
export function attachStdio(engine: Docker, stream: Duplex, tty: boolean, resize: (s: { h: number; w: number }) => void): Promise<void> {
  return new Promise((resolve) => {
    const stdin = process.stdin;
    let raw = false;
    const onResize = () => {
      if (process.stdout.columns && process.stdout.rows) resize({ h: process.stdout.rows, w: process.stdout.columns });
    };
    if (tty) {
      if (stdin.isTTY) {
        stdin.setRawMode(true);
        raw = true;
      }
      onResize();
      process.stdout.on('resize', onResize);
      stream.pipe(process.stdout, { end: false });
    } else {
      engine.modem.demuxStream(stream, process.stdout, process.stderr);
    }
    const onInput = (d: Buffer) => stream.write(d);
    const onInputEnd = () => stream.end();
    stdin.on('data', onInput);
    stdin.on('end', onInputEnd);
    stdin.resume();
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      stdin.off('data', onInput);
      stdin.off('end', onInputEnd);
      stdin.pause();
      if (raw) stdin.setRawMode(false);
      // A pipe still open upstream must not keep the command alive once the container side is done.
      else stdin.destroy();
      process.stdout.off('resize', onResize);
      resolve();
    };
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', finish);
  });
}
