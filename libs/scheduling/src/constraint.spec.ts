import { describe, expect, it } from 'vitest';
import { ConstraintError, SchedulingError } from './errors';
import { compilePlacement, matches, parseConstraint } from './constraint';
import { node } from './test-fixtures';

describe('parseConstraint', () => {
  it.each([
    ['node.role==manager', { key: 'node.role', op: '==', value: 'manager' }],
    ['node.labels.zone != a', { key: 'node.labels.zone', op: '!=', value: 'a' }],
    ['  node.hostname ==  host-1  ', { key: 'node.hostname', op: '==', value: 'host-1' }],
    ['engine.labels.disk==ssd', { key: 'engine.labels.disk', op: '==', value: 'ssd' }],
    ['node.ip==10.0.0.0/8', { key: 'node.ip', op: '==', value: '10.0.0.0/8' }],
    ['node.labels.path==/srv/data', { key: 'node.labels.path', op: '==', value: '/srv/data' }],
  ])('%s', (expr, want) => expect(parseConstraint(expr)).toEqual(want));

  it.each([
    ['node.role=manager', 'constraint expected one operator from ==, !='],
    ['node.role', 'constraint expected one operator from ==, !='],
    ['==manager', "key '' is invalid"],
    ['1node==x', "key '1node' is invalid"],
    ['node.role==', "value '' is invalid"],
    ['node.labels.a==b>c', "value 'b>c' is invalid"],
    ['node.role!==manager', "key 'node.role!' is invalid"],
  ])('rejects %s with Docker\'s message', (expr, msg) => {
    let err: unknown;
    try {
      parseConstraint(expr);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConstraintError);
    expect(err).toBeInstanceOf(SchedulingError);
    expect((err as ConstraintError).message).toBe(msg);
    expect((err as ConstraintError).expr).toBe(expr);
  });
});

describe('matches', () => {
  const n = node('abc', {
    labels: { zone: 'East', Tier: 'web' },
    role: 'manager',
    addr: '10.1.2.3',
    Description: {
      Hostname: 'box1',
      Platform: { OS: 'linux', Architecture: 'x86_64' },
      Resources: { NanoCPUs: 1, MemoryBytes: 1 },
      Engine: { EngineVersion: '1', Labels: { disk: 'ssd' } },
    },
  });
  it.each([
    ['node.id==abc', true],
    ['node.id!=abc', false],
    ['node.hostname==BOX1', true],
    ['node.role==manager', true],
    ['node.role!=worker', true],
    ['node.platform.os==linux', true],
    ['node.platform.arch==x86_64', true],
    ['node.labels.zone==east', true],
    ['NODE.LABELS.zone==east', true],
    ['node.labels.ZONE==east', false],
    ['node.labels.tier==web', false],
    ['node.labels.Tier==web', true],
    ['node.labels.missing==x', false],
    ['node.labels.missing!=x', true],
    ['engine.labels.disk==ssd', true],
    ['engine.labels.disk!=ssd', false],
    ['node.ip==10.1.2.3', true],
    ['node.ip==10.0.0.0/8', true],
    ['node.ip!=10.0.0.0/8', false],
    ['node.ip==192.168.0.0/16', false],
    ['node.ip==10.0.0.0/99', false],
    ['node.unknown==x', false],
    ['node.unknown!=x', false],
  ])('%s -> %s', (expr, want) => expect(matches(parseConstraint(expr), n)).toBe(want));
});

describe('compilePlacement', () => {
  it('a constraint that does not parse matches no node', () => {
    const p = compilePlacement({ Constraints: ['node.role=manager'] });
    expect(p.valid).toBe(false);
    expect(p.matches(node('a'))).toBe(false);
  });

  it.each([
    [[{ Architecture: 'amd64', OS: 'linux' }], true],
    [[{ Architecture: 'arm64' }, { OS: 'linux' }], true],
    [[{ Architecture: 'arm64' }], false],
    [[{ OS: 'windows' }], false],
    [[], true],
  ])('platforms %j on an x86_64 linux node -> %s', (platforms, want) => {
    expect(compilePlacement({ Platforms: platforms }).matches(node('a'))).toBe(want);
  });
});
