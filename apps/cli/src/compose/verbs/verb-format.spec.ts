import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { composeEvent, eventJson, eventText, humanSize, imagesTable, parseScaleArgs, portAnswer, progressLines, ScaleArgError, logLine } from './verb-format';

const FIXTURES = join(__dirname, '..', '..', '..', '..', '..', 'test', 'compose', 'fixtures', 'verbs');

describe("1.29's human_readable_file_size", () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1000, '1 kB'],
    [1_984_000, '1.984 MB'],
    [1_984_250, '1.984 MB'],
    [19_500_000, '19.5 MB'],
    [150_000_000, '150 MB'],
    [123_456_789_000, '123.5 GB'],
  ])('%d bytes -> %s', (n, want) => expect(humanSize(n)).toBe(want));
});

describe('images table', () => {
  it('is the table 1.29 printed for the same containers and images', () => {
    const recorded = readFileSync(join(FIXTURES, 'compose-1.29-verbs.txt'), 'utf8');
    const want = /=== docker-compose\.yml images\n--stdout\n([\s\S]*?)--stderr/.exec(recorded)![1];
    const out = imagesTable([
      { container: 'v129_worker_1', repoTags: ['flotilla/busybox:latest', 'local/busybox:latest'], wanted: 'flotilla/busybox:latest', id: 'sha256:bd301cc7a8da2b9f7542e680817f0ff18d3ce21c7b2627fb26358155533ca9f8', size: 1_984_000 },
      { container: 'v129_web_1', repoTags: ['flotilla/hello:latest'], wanted: 'flotilla/hello', id: 'sha256:d197e51d4ccc653b652c88927e4e93364e9a49bfe605e483fd1e0c786895e2b2', size: 1_984_000 },
    ]);
    expect(out).toBe(want);
  });

  it('shows the tag the service names, and <none> for an untagged image', () => {
    const out = imagesTable([
      { container: 'p_a_1', repoTags: ['x/one:1', 'local/busybox:latest'], wanted: 'local/busybox', id: 'sha256:0123456789abcdef', size: 10 },
      { container: 'p_b_1', repoTags: [], wanted: 'gone:1', id: 'sha256:fedcba9876543210', size: 10 },
    ]);
    expect(out.split('\n')[2]).toMatch(/^p_a_1 +local\/busybox +latest +0123456789ab +10 B$/);
    expect(out.split('\n')[3]).toMatch(/^p_b_1 +<none> +<none> +fedcba987654 +10 B$/);
  });
});

describe('events', () => {
  const engine = {
    status: 'die',
    id: 'cdab5df62ffb20d41436ae888dfecc042538a5385d4330d12ddd2c481df3b2e2',
    from: 'flotilla/busybox:latest',
    Type: 'container',
    Action: 'die',
    Actor: {
      ID: 'cdab5df62ffb20d41436ae888dfecc042538a5385d4330d12ddd2c481df3b2e2',
      Attributes: {
        'com.docker.compose.project': 'v129',
        'com.docker.compose.service': 'worker',
        exitCode: '0',
        image: 'flotilla/busybox:latest',
        'io.flotilla.context-hash': 'c0dab03fe262a5b6',
        name: 'v129_worker_1',
      },
    },
    time: 1796367467,
    // As JSON.parse reads Docker's nanoseconds: a double, exact to well under a microsecond.
    timeNano: 1796367467637048000,
  };

  it('--json: the line 1.29 printed for the same engine event', () => {
    const lines = readFileSync(join(FIXTURES, 'compose-1.29-events.jsonl'), 'utf8').split('\n');
    const want = lines.find((l) => l.includes('"action": "die"'))!;
    // The machine's zone is UTC, as when the fixture was recorded (Python prints local time).
    if (new Date().getTimezoneOffset() === 0) expect(eventJson(composeEvent(engine)!)).toBe(want);
    else expect(eventJson(composeEvent(engine)!).slice(32)).toBe(want.slice(32));
  });

  it('text: time, type, action, id and the sorted attributes', () => {
    const e = composeEvent(engine)!;
    expect(eventText(e)).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.637048 container die cdab5df62ffb\w+ \(exitCode=0, image=flotilla\/busybox:latest, io\.flotilla\.context-hash=c0dab03fe262a5b6, name=v129_worker_1\)$/,
    );
  });

  it('drops non-container events and prints no fraction for a whole second', () => {
    expect(composeEvent({ ...engine, Type: 'network' })).toBeUndefined();
    const e = composeEvent({ ...engine, timeNano: 1796367467000000000 })!;
    expect(e.time.iso).toMatch(/T\d\d:\d\d:\d\d$/);
  });

  it('escapes non-ASCII as json.dumps does', () => {
    const e = composeEvent({ ...engine, Actor: { ...engine.Actor, Attributes: { name: 'café' } } })!;
    expect(eventJson(e)).toContain('"name": "caf\\u00e9"');
    expect(eventJson(e)).toContain('"service": null');
  });
});

describe('progress, port, scale arguments', () => {
  it('pads names to the widest and ends lines in CR LF, as 1.29 piped', () => {
    const p = progressLines('Starting', ['web', 'worker']);
    expect(p.start).toBe('Starting web    ... \r\nStarting worker ... \r\n');
    expect(p.end).toBe('Starting web    ... done\r\nStarting worker ... done\r\n');
  });

  it('on a terminal, rewrites each start line in place with a green done, as 1.29', () => {
    const p = progressLines('Stopping', ['p_app_1', 'p_db_1'], 'done', true);
    expect(p.start).toBe('Stopping p_app_1 ... \r\nStopping p_db_1  ... \r\n');
    expect(p.end).toBe('\x1b[2A\x1b[2K\rStopping p_app_1 ... \x1b[32mdone\x1b[0m\r\x1b[2B\x1b[1A\x1b[2K\rStopping p_db_1  ... \x1b[32mdone\x1b[0m\r\x1b[1B');
  });

  it.each<[number, string, string]>([
    [80, 'tcp', '0.0.0.0:18089'],
    [80, 'udp', ''],
    [81, 'tcp', ''],
    [53, 'udp', '0.0.0.0:5353'],
    [9000, 'tcp', ''],
  ])('port %d/%s -> "%s"', (port, proto, want) => {
    const ports = [
      { TargetPort: 80, PublishedPort: 18089, Protocol: 'tcp' },
      { TargetPort: 53, PublishedPort: 5353, Protocol: 'udp' },
      { TargetPort: 9000 },
    ];
    expect(portAnswer(ports, port, proto)).toBe(want);
  });

  it('answers the all-address binding first, else the one address a port is bound to, as 1.29', () => {
    const local = { TargetPort: 80, PublishedPort: 18431, HostIP: '127.0.0.1' };
    expect(portAnswer([local, { TargetPort: 80, PublishedPort: 18432 }], 80, 'tcp')).toBe('0.0.0.0:18432');
    expect(portAnswer([local], 80, 'tcp')).toBe('127.0.0.1:18431');
  });

  it.each<[string[], { service: string; n: number }[] | string]>([
    [['web=2', 'worker=0'], [{ service: 'web', n: 2 }, { service: 'worker', n: 0 }]],
    [['worker=x'], 'Number of containers for service "worker" is not a number'],
    [['worker'], 'Arguments to scale should be in the form service=num'],
    [['a=b=3'], 'Number of containers for service "a" is not a number'],
  ])('scale %j', (args, want) => {
    if (typeof want === 'string') {
      expect(() => parseScaleArgs(args)).toThrow(ScaleArgError);
      expect(() => parseScaleArgs(args)).toThrow(want);
    } else expect(parseScaleArgs(args)).toEqual(want);
  });
});

describe('logLine: 1.29\'s console log handler', () => {
  it.each([
    ['warning', false, 'The scale command is deprecated.\n'],
    ['warning', true, '\x1b[33mWARNING\x1b[0m: The scale command is deprecated.\n'],
    ['error', true, '\x1b[31mERROR\x1b[0m: The scale command is deprecated.\n'],
  ] as const)('%s on a terminal: %s', (level, ansi, want) => {
    expect(logLine(level, 'The scale command is deprecated.', ansi)).toBe(want);
  });
});
