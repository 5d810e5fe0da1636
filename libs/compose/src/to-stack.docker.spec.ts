/**
 * toStack against what `docker stack deploy` (docker CLI 28.2) really sent to
 * the engine for ../shared/docker-api/stack.yml (recorded in traces.jsonl).
 */
import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadProject } from './load';
import { toStack } from './to-stack';

const DIR = resolve(__dirname, '../../../../shared/docker-api');
const present = existsSync(resolve(DIR, 'stack.yml')) && existsSync(resolve(DIR, 'traces.jsonl'));
if (!present) console.warn(`SKIPPED: ${DIR}/stack.yml or traces.jsonl is missing`);

interface Exchange {
  method: string;
  path: string;
  reqBody: Record<string, unknown> | null;
}

describe.skipIf(!present)('toStack matches docker stack deploy', () => {
  const trace = present
    ? readFileSync(resolve(DIR, 'traces.jsonl'), 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as { command: string; exchanges: Exchange[] })
        .find((t) => t.command.startsWith('docker stack deploy'))
    : undefined;
  const posted = (what: string) => (trace?.exchanges ?? []).filter((e) => e.method === 'POST' && e.path.endsWith(`/${what}/create`)).map((e) => e.reqBody!);
  const stack = present ? toStack(loadProject({ files: [resolve(DIR, 'stack.yml')], env: {}, projectName: 'st' })) : undefined;

  it('the same services, modes, args, env, placement, networks with aliases and ports', () => {
    expect(trace).toBeDefined();
    const theirs = posted('services');
    expect(stack!.services.map((s) => s.Name).sort()).toEqual(theirs.map((s) => s.Name).sort());
    for (const t of theirs) {
      const mine = stack!.services.find((s) => s.Name === t.Name)!;
      const tt = t.TaskTemplate as Record<string, Record<string, unknown>>;
      expect(mine.Mode).toEqual(t.Mode);
      expect(mine.TaskTemplate.ContainerSpec).toMatchObject({
        Image: tt.ContainerSpec.Image,
        Args: tt.ContainerSpec.Args,
        ...(tt.ContainerSpec.Env ? { Env: tt.ContainerSpec.Env } : {}),
        Labels: tt.ContainerSpec.Labels,
      });
      expect(mine.TaskTemplate.Networks).toEqual(tt.Networks);
      expect(mine.TaskTemplate.Placement?.Constraints ?? []).toEqual((tt.Placement as { Constraints?: string[] }).Constraints ?? []);
      expect(mine.Labels).toMatchObject(t.Labels as Record<string, string>);
      expect(mine.EndpointSpec?.Ports ?? []).toEqual((t.EndpointSpec as { Ports?: unknown[] }).Ports ?? []);
    }
  });

  it('the same networks, labelled with the stack namespace', () => {
    const theirs = posted('networks');
    expect(stack!.networks.map((n) => n.Name).sort()).toEqual(theirs.map((n) => n.Name).sort());
    for (const n of stack!.networks) expect(n.Labels).toMatchObject({ 'com.docker.stack.namespace': 'st' });
  });
});
