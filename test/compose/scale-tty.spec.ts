import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { runCommand } from '../support/cli';
import { CLI } from '../support/env';
import { purgeProject } from '../support/docker';
import { ManagerProcess } from '../support/manager';

/**
 * `scale` and `up --scale` on a terminal (under util-linux `script`), side by side with
 * docker-compose 1.29: its parallel writer's bytes (start lines, then each rewritten in place
 * with cursor moves and a green `done`), the yellow WARNING of the deprecated verb. The
 * rewrites come in the order containers finish, in 1.29 as in flotilla, so they are compared
 * as a set; everything else byte for byte.
 */
const tag = String(process.pid % 1000).padStart(3, '0');
const P = { dc: `sdc${tag}`, fl: `sfl${tag}` } as const;
const FILE = join(__dirname, 'fixtures', 'scale-tty', 'docker-compose.yml');
type Tool = keyof typeof P;

/** The output as a terminal got it, split into the lines printed and the in-place rewrites (sorted). */
function shape(raw: string, project: string): { lines: string[]; rewrites: string[] } {
  const text = raw.replaceAll(project, 'P');
  // eslint-disable-next-line no-control-regex -- a rewrite is cursor up, erase, the line, cursor down
  const rewrite = /\x1b\[\d+A\x1b\[2K\r[^\x1b]*\.\.\. \x1b\[3\dm\w+\x1b\[0m\r\x1b\[\d+B/g;
  return { lines: text.replace(rewrite, '').split('\n'), rewrites: [...text.matchAll(rewrite)].map((m) => m[0]).sort() };
}

describe('scale and up --scale on a terminal, side by side with docker-compose 1.29', () => {
  let m: ManagerProcess;
  const onTty = (t: Tool, args: string) => {
    const cmd = t === 'dc' ? `docker-compose -f ${FILE} -p ${P.dc} ${args}` : `${process.execPath} ${CLI} compose -f ${FILE} -p ${P.fl} ${args}`;
    return runCommand('script', ['-qec', cmd, '/dev/null'], { env: { ...process.env, ...m.cliEnv, COLUMNS: '120' }, timeoutMs: 90_000 });
  };
  const both = async (args: string) => {
    const dc = await onTty('dc', args);
    const fl = await onTty('fl', args);
    expect(fl.code).toBe(dc.code);
    expect(shape(fl.stdout, P.fl)).toEqual(shape(dc.stdout, P.dc));
    return shape(dc.stdout, P.dc);
  };

  beforeAll(async () => {
    for (const p of Object.values(P)) await purgeProject(p);
    m = await ManagerProcess.create();
  });
  afterAll(async () => {
    await onTty('dc', 'down').catch(() => undefined);
    await onTty('fl', 'down').catch(() => undefined);
    await m?.destroy();
    for (const p of Object.values(P)) await purgeProject(p);
  });

  it('up -d --scale web=2, then scale web=3 and web=1: the same bytes', async () => {
    const up = await both('up -d --scale web=2');
    expect(up.rewrites).toEqual(['\x1b[1A\x1b[2K\rCreating P_web_2 ... \x1b[32mdone\x1b[0m\r\x1b[1B', '\x1b[2A\x1b[2K\rCreating P_web_1 ... \x1b[32mdone\x1b[0m\r\x1b[2B']);
    const grow = await both('scale web=3');
    expect(grow.lines[0]).toBe('\x1b[33mWARNING\x1b[0m: The scale command is deprecated. Use the up command with the --scale flag instead.\r');
    expect(grow.lines[1]).toBe('Creating P_web_3 ... \r\r');
    const shrink = await both('scale web=1');
    expect(shrink.lines.slice(1, 3)).toEqual(['Stopping and removing P_web_2 ... \r\r', 'Stopping and removing P_web_3 ... \r\r']);
  });

  it('up -d --scale changing only the count: Creating the new containers, Stopping and removing the extra ones', async () => {
    const grow = await both('up -d --scale web=3');
    expect(grow.lines.slice(0, 2)).toEqual(['Creating P_web_2 ... \r\r', 'Creating P_web_3 ... \r\r']);
    const shrink = await both('up -d --scale web=1');
    expect(shrink.rewrites).toHaveLength(2);
  });
});
