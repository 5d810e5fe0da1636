import { Command } from 'commander';
import type { NodeSpec } from '@flotilla/contracts';
import { dockerApi } from '../client/connect-api';
import { CliError } from '../errors';
import { nodeTable } from '../format/swarm-format';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** `flotilla node ls|inspect|update|promote|demote|rm`. */
export function nodeCommand(): Command {
  const node = new Command('node').description('Manage nodes');

  const ls = new Command('ls')
    .alias('list')
    .option('-q, --quiet', 'only display IDs')
    .description('List nodes in the swarm')
    .action(async () => {
      const api = await dockerApi();
      const [nodes, info] = await Promise.all([api.nodes(), api.info()]);
      process.stdout.write(nodeTable(nodes, info.Swarm.NodeID, ls.opts()));
    });

  const inspect = new Command('inspect')
    .argument('<NODE...>')
    .description('Display detailed information on one or more nodes')
    .action(async (refs: string[]) => {
      const api = await dockerApi();
      process.stdout.write(JSON.stringify(await Promise.all(refs.map((r) => api.node(r))), null, 4) + '\n');
    });

  const update = new Command('update')
    .argument('<NODE>')
    .description('Update a node')
    .option('--availability <A>', 'availability of the node ("active", "pause", "drain")')
    .option('--role <R>', 'role of the node ("worker", "manager")')
    .option('--label-add <K=V>', 'add or update a node label', collect)
    .option('--label-rm <K>', 'remove a node label if exists', collect)
    .action(async (ref: string) => {
      const o = update.opts<{ availability?: string; role?: string; labelAdd?: string[]; labelRm?: string[] }>();
      await changeNode(ref, (spec) => {
        if (o.availability) {
          if (!['active', 'pause', 'drain'].includes(o.availability)) throw new CliError(`invalid availability "${o.availability}"`);
          spec.Availability = o.availability as NodeSpec['Availability'];
        }
        if (o.role) spec.Role = o.role as NodeSpec['Role'];
        for (const l of o.labelAdd ?? []) {
          const eq = l.indexOf('=');
          spec.Labels[eq < 0 ? l : l.slice(0, eq)] = eq < 0 ? '' : l.slice(eq + 1);
        }
        for (const k of o.labelRm ?? []) delete spec.Labels[k];
      });
      process.stdout.write(`${ref}\n`);
    });

  const role = (name: 'promote' | 'demote', to: 'manager' | 'worker') => {
    const c = new Command(name)
      .argument('<NODE...>')
      .description(`${name === 'promote' ? 'Promote' : 'Demote'} one or more nodes ${name === 'promote' ? 'to manager' : 'from manager'} in the swarm`)
      .action(async (refs: string[]) => {
        for (const r of refs) {
          await changeNode(r, (spec) => (spec.Role = to));
          process.stdout.write(`Node ${r} ${name}d ${to === 'manager' ? 'to a manager in' : 'from a manager in'} the swarm.\n`);
        }
      });
    return c;
  };

  const rm = new Command('rm')
    .alias('remove')
    .argument('<NODE...>')
    .option('-f, --force', 'force remove a node from the swarm')
    .description('Remove one or more nodes from the swarm')
    .action(async (refs: string[]) => {
      const api = await dockerApi();
      for (const r of refs) {
        await api.removeNode(r, !!rm.opts().force);
        process.stdout.write(`${r}\n`);
      }
    });

  for (const c of [ls, inspect, update, role('promote', 'manager'), role('demote', 'worker'), rm]) node.addCommand(c);
  return node;
}

/**
 * Read, change, write with the version read. The node's own status (a
 * heartbeat, a role taking effect) also moves its version, so a conflict is
 * retried on a fresh read a few times, where docker gives up at once.
 */
async function changeNode(ref: string, change: (spec: NodeSpec) => void) {
  const api = await dockerApi();
  for (let attempt = 1; ; attempt++) {
    const n = await api.node(ref);
    const spec: NodeSpec = { ...n.Spec, Labels: { ...n.Spec.Labels } };
    change(spec);
    try {
      await api.updateNode(n.ID, n.Version.Index, spec);
      return;
    } catch (e) {
      if (attempt >= 5 || !/update out of sequence/.test((e as Error).message)) throw e;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}
