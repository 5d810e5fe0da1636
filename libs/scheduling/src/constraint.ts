import type { Service, SwarmNode } from '@flotilla/contracts';

export class ConstraintError extends Error {
  override name = 'ConstraintError';
}

export interface Constraint {
  key: string;
  op: '==' | '!=';
  value: string;
}

/** Docker's placement constraint syntax: `node.role==manager`, `node.labels.zone != a`. */
export function parseConstraint(expr: string): Constraint {
  const m = /^\s*([\w.-]+)\s*(==|!=)\s*(.+?)\s*$/.exec(expr);
  if (!m) throw new ConstraintError(`constraint expected one operator from ==, !=: ${expr}`);
  return { key: m[1], op: m[2] as '==' | '!=', value: m[3] };
}

function nodeValue(node: SwarmNode, key: string): string | undefined {
  const k = key.toLowerCase();
  if (k === 'node.id') return node.ID;
  if (k === 'node.hostname') return node.Description.Hostname;
  if (k === 'node.role') return node.Spec.Role;
  if (k === 'node.platform.os') return node.Description.Platform.OS;
  if (k === 'node.platform.arch') return node.Description.Platform.Architecture;
  if (key.startsWith('node.labels.')) return node.Spec.Labels[key.slice('node.labels.'.length)];
  if (key.startsWith('engine.labels.')) return node.Description.Engine.Labels?.[key.slice('engine.labels.'.length)];
  return undefined;
}

export function matches(c: Constraint, node: SwarmNode): boolean {
  const v = nodeValue(node, c.key);
  const eq = v !== undefined && v.toLowerCase() === c.value.toLowerCase();
  return c.op === '==' ? eq : !eq;
}

export function constraintsMatch(svc: Service, node: SwarmNode): boolean {
  for (const expr of svc.Spec.TaskTemplate.Placement?.Constraints ?? []) {
    let c: Constraint;
    try {
      c = parseConstraint(expr);
    } catch {
      return false;
    }
    if (!matches(c, node)) return false;
  }
  return true;
}
