import { describe, expect, it } from 'vitest';
import type { ServiceSpec } from '@flotilla/contracts';
import { applyUpdateFlags } from './update.command';

const spec: ServiceSpec = {
  Name: 'web',
  TaskTemplate: { ContainerSpec: { Image: 'a:1', Env: ['A=1', 'B=2'] } },
  Mode: { Replicated: { Replicas: 2 } },
};

describe('service update flags', () => {
  it('env-add replaces a key in place of the old one, env-rm drops it, others stay', () => {
    const out = applyUpdateFlags(spec, { envAdd: ['B=3', 'C=4'], envRm: ['A'] });
    expect(out.TaskTemplate.ContainerSpec.Env).toEqual(['B=3', 'C=4']);
    expect(spec.TaskTemplate.ContainerSpec.Env).toEqual(['A=1', 'B=2']);
  });

  it('image, replicas and force', () => {
    const out = applyUpdateFlags(spec, { image: 'a:2', replicas: '5', force: true });
    expect(out.TaskTemplate.ContainerSpec.Image).toBe('a:2');
    expect(out.Mode).toEqual({ Replicated: { Replicas: 5 } });
    expect(out.TaskTemplate.ForceUpdate).toBe(1);
    expect(applyUpdateFlags(out, { force: true }).TaskTemplate.ForceUpdate).toBe(2);
  });

  it('refuses replicas on a global service and a non-number', () => {
    expect(() => applyUpdateFlags({ ...spec, Mode: { Global: {} } }, { replicas: '2' })).toThrow(/replicated/);
    expect(() => applyUpdateFlags(spec, { replicas: 'x' })).toThrow(/invalid argument "x"/);
  });
});
