import { describe, expect, it } from 'vitest';
import { composeTable, dockerTable } from './table';

describe('tables', () => {
  it('prints docker-compose 1.29 ps shape', () => {
    const out = composeTable(
      ['Name', 'Command', 'State', 'Ports'],
      [
        ['counter_redis_1', 'redis-server', 'Up', '6379/tcp'],
        ['counter_web_1', 'httpd -f -p 80', 'Exit 1', ''],
      ],
    );
    expect(out).toBe(
      [
        '     Name            Command        State     Ports  ',
        '----------------------------------------------------',
        'counter_redis_1   redis-server     Up       6379/tcp',
        'counter_web_1     httpd -f -p 80   Exit 1',
        '',
      ]
        .join('\n')
        .replace('Ports  \n', 'Ports\n'),
    );
  });

  it('prints docker table shape', () => {
    expect(dockerTable(['ID', 'NAME'], [['abc', 'web']])).toBe('ID    NAME\nabc   web\n');
  });
});
