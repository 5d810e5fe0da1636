import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkExpose, parsePortSpec } from './normalize-ports';

const t = (target: number, published?: number, extra: object = {}) => ({ target, ...(published ? { published } : {}), protocol: 'tcp', mode: 'ingress', ...extra });

describe('parsePortSpec', () => {
  it.each<[unknown, object[]]>([
    ['80', [t(80)]],
    [80, [t(80)]],
    ['8080:80', [t(80, 8080)]],
    ['3000-3001', [t(3000), t(3001)]],
    ['9090-9091:8080-8081', [t(8080, 9090), t(8081, 9091)]],
    // A host range onto one port: one port carrying its range, as 1.29 keeps it (each container takes one of it).
    ['18000-18002:80', [t(80, 18000, { published_end: 18002 })]],
    ['127.0.0.1:18000-18001:80/udp', [t(80, 18000, { protocol: 'udp', host_ip: '127.0.0.1', published_end: 18001 })]],
    ['[::1]:18000-18001:80', [t(80, 18000, { host_ip: '::1', published_end: 18001 })]],
    // A range of one port is that port.
    ['18000-18000:80', [t(80, 18000)]],
    ['127.0.0.1:8001:8001', [t(8001, 8001, { host_ip: '127.0.0.1' })]],
    ['127.0.0.1::5000', [t(5000, undefined, { host_ip: '127.0.0.1' })]],
    ['[::1]:80:80', [t(80, 80, { host_ip: '::1' })]],
    ['6060:6060/udp', [{ ...t(6060, 6060), protocol: 'udp' }]],
    ['53/UDP', [{ ...t(53), protocol: 'udp' }]],
    ['80/sctp', [{ ...t(80), protocol: 'sctp' }]],
    [{ target: 80, published: 8080, mode: 'host' }, [{ ...t(80, 8080), mode: 'host' }]],
    [{ target: 53, protocol: 'udp' }, [{ ...t(53), protocol: 'udp' }]],
    [{ target: 80, published: '8080' }, [t(80, 8080)]],
    [{ target: 80, host_ip: '0.0.0.0', published: 81 }, [t(80, 81, { host_ip: '0.0.0.0' })]],
  ])('%j', (input, want) => {
    expect(parsePortSpec(input)).toEqual(want);
  });

  it.each<unknown>(['a:b', '80:80:80:80', '0', '70000', '80/xtp', '1-3:4-7', '18000-18002:80-81', '5-3', '8001-8000:80', { published: 80 }, { target: 80, mode: 'mesh' }, { target: 0 }, true, null])(
    'rejects %j',
    (input) => {
      expect(typeof parsePortSpec(input)).toBe('string');
    },
  );

  it('property: every valid short form expands to as many ports as its range', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60000 }), fc.integer({ min: 0, max: 20 }), fc.integer({ min: 1, max: 60000 }), (target, len, pub) => {
        const spec = `${pub}-${pub + len}:${target}-${target + len}`;
        const r = parsePortSpec(spec);
        if (target + len > 65535 || pub + len > 65535) return typeof r === 'string';
        return Array.isArray(r) && r.length === len + 1 && r.every((p, i) => p.target === target + i && p.published === pub + i);
      }),
    );
  });
});

describe('checkExpose', () => {
  it.each(['80', '80/tcp', '3000-3005', '53/udp'])('accepts %s', (s) => expect(checkExpose(s)).toBeUndefined());
  it.each(['a', '80/http', '0', '5-3', '99999'])('rejects %s', (s) => expect(checkExpose(s)).toBeDefined());
});
