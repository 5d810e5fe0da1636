import { Command } from 'commander';
import { dockerApi } from '../client/connect-api';
import { FrameReader, formatLogLine, type TaskLabel } from './log-lines';

/** `flotilla service logs [-f] [--tail N] [-t] [--no-trunc] SERVICE`, printed as `docker service logs` prints it. */
export function serviceLogsCommand(): Command {
  const cmd = new Command('logs')
    .description('Fetch the logs of a service')
    .argument('<SERVICE>')
    .option('-f, --follow', 'follow log output')
    .option('-n, --tail <N>', 'number of lines to show from the end of the logs', 'all')
    .option('-t, --timestamps', 'show timestamps')
    .option('--no-trunc', 'do not truncate output')
    .action(async (ref: string) => {
      const o = cmd.opts<{ follow?: boolean; tail: string; timestamps?: boolean; trunc: boolean }>();
      const api = await dockerApi();
      const svc = await api.service(ref);
      const labels = new Map<string, TaskLabel>();
      const refresh = async () => {
        const nodes = new Map((await api.nodes()).map((n) => [n.ID, n.Description.Hostname]));
        for (const t of await api.tasks({ service: [svc.ID] })) {
          labels.set(t.ID, { name: svc.Spec.Name, slot: t.Slot, id: t.ID, node: nodes.get(t.NodeID ?? '') ?? t.NodeID ?? '' });
        }
      };
      await refresh();
      const ctrl = new AbortController();
      process.once('SIGINT', () => ctrl.abort());
      const reader = new FrameReader(svc.Spec.TaskTemplate.ContainerSpec.TTY === true);
      const body = await api.serviceLogs(svc.ID, { follow: !!o.follow, tail: o.tail, timestamps: !!o.timestamps }, ctrl.signal);
      try {
        for await (const chunk of body) {
          for (const line of reader.push(chunk)) {
            // A task started after we looked (follow, a rolling update): learn its name once.
            const id = /com\.docker\.swarm\.task\.id=([a-z0-9]+)/.exec(line.text)?.[1];
            if (id && !labels.has(id)) await refresh();
            const out = formatLogLine(line.text, (t) => labels.get(t), { timestamps: !!o.timestamps, noTrunc: !o.trunc });
            (line.stream === 'stderr' ? process.stderr : process.stdout).write(`${out}\n`);
          }
        }
      } catch (e) {
        if (!ctrl.signal.aborted) throw e;
      }
    });
  return cmd;
}
