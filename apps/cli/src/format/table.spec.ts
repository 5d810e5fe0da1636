import { describe, expect, it } from 'vitest';
import { composeTable, dockerTable, shortenCommand } from './table';

describe('tables', () => {
  it('prints exactly what docker-compose 1.29 ps printed for the counter example', () => {
    // Golden: docker-compose 1.29 `ps` on compose-examples/counter, project dcx.
    const golden = [
      '   Name                  Command               State                  Ports                ',
      '-------------------------------------------------------------------------------------------',
      'dcx_redis_1   redis-server --protected-m ...   Up      6379/tcp                            ',
      "dcx_web_1     sh -c trap 'exit 0' TERM;  ...   Up      0.0.0.0:8011->80/tcp,:::8011->80/tcp",
      '',
    ].join('\n');
    const out = composeTable(
      ['Name', 'Command', 'State', 'Ports'],
      [
        ['dcx_redis_1', shortenCommand('redis-server --protected-mode no'), 'Up', '6379/tcp'],
        ['dcx_web_1', shortenCommand(`sh -c trap 'exit 0' TERM; echo; httpd -f -p 80 -h /www & wait`), 'Up', '0.0.0.0:8011->80/tcp,:::8011->80/tcp'],
      ],
    );
    expect(out).toBe(golden);
  });

  it('keeps short commands whole', () => expect(shortenCommand('redis-server')).toBe('redis-server'));

  it('lays out docker tables like its tabwriter (minwidth 10, padding 3)', () => {
    expect(dockerTable(['ID', 'NAME', 'ERROR'], [['abc', 'web', '']])).toBe('ID        NAME      ERROR\nabc       web       \n');
  });
});
