import { describe, expect, it } from 'vitest';
import { planLeave, type ObservedContainer, type ObservedNetwork } from './leave-plan';

const task = (id: string, node: string, managed = 'true'): ObservedContainer => ({
  id,
  name: `web.1.${id}`,
  labels: { 'io.flotilla.managed': managed, 'com.docker.swarm.node.id': node },
});
const net = (id: string, cluster: string, containers: string[] = [], managed = 'true'): ObservedNetwork => ({
  id,
  name: `st_${id}`,
  labels: { 'io.flotilla.managed': managed, 'io.flotilla.cluster': cluster, 'io.flotilla.network.id': `nid${id}` },
  containers,
});
const me = { nodeIds: ['n1'], clusterIds: ['c1'] };

describe('planLeave', () => {
  it.each([
    ['its own task containers go', [task('a', 'n1'), task('b', 'n1')], [], ['remove-container a', 'remove-container b']],
    ['another node on the same engine keeps its containers', [task('a', 'n1'), task('b', 'n2')], [], ['remove-container a']],
    ["a container flotilla did not create stays, even with the node's label", [task('a', 'n1', 'false')], [], []],
    ['its cluster network with only its own containers goes after them', [task('a', 'n1')], [net('x', 'c1', ['a'])], ['remove-container a', 'remove-network x']],
    ["a network another node's task uses stays", [task('a', 'n1'), task('b', 'n2')], [net('x', 'c1', ['a', 'b'])], ['remove-container a']],
    ["another cluster's network stays", [], [net('x', 'c2')], []],
    ['an unmanaged network stays', [], [net('x', 'c1', [], 'false')], []],
    ['an idle network of its cluster goes', [], [net('x', 'c1')], ['remove-network x']],
  ] as const)('%s', (_what, containers, networks, expected) => {
    expect(planLeave(me, containers, networks).map((a) => `${a.kind} ${a.id}`)).toEqual(expected);
  });

  it('a node without an id or cluster removes nothing', () => {
    expect(planLeave({ nodeIds: [], clusterIds: [] }, [task('a', 'n1')], [net('x', 'c1')])).toEqual([]);
  });

  it('names the overlay network of an engine network it removes', () => {
    expect(planLeave(me, [], [net('x', 'c1')])).toEqual([{ kind: 'remove-network', id: 'x', name: 'st_x', networkId: 'nidx' }]);
  });
});
