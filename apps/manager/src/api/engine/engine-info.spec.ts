import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { swarmManagerInfo, swarmManagerVersion } from './engine-info';

/** What Docker's own swarm manager answers (test/docker-cli/engine.reference.json, recorded in a netns host). */
const ref = JSON.parse(readFileSync(join(__dirname, '../../../../../test/docker-cli/engine.reference.json'), 'utf8')) as {
  info: { keys: string[]; swarmKeys: string[] };
  version: { keys: string[]; components: string[] };
};

const swarm = { NodeID: 'n1', NodeAddr: '10.0.0.1', LocalNodeState: 'active', ControlAvailable: true, Nodes: 1, Managers: 1 };
const own = { ID: 'c1', Name: 'h', Containers: 0, Images: 0, Driver: 'flotilla', Swarm: swarm };
const engineInfo = Object.fromEntries(ref.info.keys.map((k) => [k, `engine-${k}`]));

describe('swarmManagerInfo', () => {
  it("keeps every field of the engine's /info, as Docker's swarm manager shows it, with flotilla's Swarm section", () => {
    const info = swarmManagerInfo({ ...engineInfo, Swarm: { LocalNodeState: 'inactive' } }, own);
    expect(Object.keys(info).sort()).toEqual([...ref.info.keys].sort());
    expect(info.Containers).toBe('engine-Containers');
    expect(info.Driver).toBe('engine-Driver');
    expect(info.Swarm).toBe(swarm);
  });

  it('falls back to what flotilla knows, with a warning, when the engine does not answer', () => {
    const info = swarmManagerInfo(new Error('connect ENOENT'), { ...own, Warnings: ['w'] });
    expect(info.Driver).toBe('flotilla');
    expect(info.Swarm).toBe(swarm);
    expect(info.Warnings).toEqual(['w', "WARNING: this node's Docker engine did not answer: connect ENOENT"]);
  });
});

describe('swarmManagerVersion', () => {
  const flotilla = { Name: 'flotilla', Version: '0.1.0' };
  const mine = { Version: '0.1.0', ApiVersion: '1.41', MinAPIVersion: '1.12', Components: [flotilla] };
  const engine = (api: string, min: string) => ({
    ...Object.fromEntries(ref.version.keys.map((k) => [k, `engine-${k}`])),
    ApiVersion: api,
    MinAPIVersion: min,
    Components: ref.version.components.map((Name) => ({ Name })),
  });

  it("is the engine's document, flotilla one more component", () => {
    const v = swarmManagerVersion(engine('1.41', '1.12'), mine);
    expect(Object.keys(v).sort()).toEqual([...ref.version.keys].sort());
    expect((v.Components as { Name: string }[]).map((c) => c.Name)).toEqual([...ref.version.components, 'flotilla']);
    expect(v.Version).toBe('engine-Version');
  });

  it.each([
    ['1.43', '1.24', '1.41', '1.24'],
    ['1.40', '1.12', '1.40', '1.12'],
    ['1.41', '1.10', '1.41', '1.12'],
  ])('engine API %s (min %s) is answered as %s (min %s)', (api, min, wantApi, wantMin) => {
    const v = swarmManagerVersion(engine(api, min), mine);
    expect([v.ApiVersion, v.MinAPIVersion]).toEqual([wantApi, wantMin]);
  });

  it("is flotilla's own when the engine does not answer", () => {
    expect(swarmManagerVersion(new Error('down'), mine)).toBe(mine);
  });
});
