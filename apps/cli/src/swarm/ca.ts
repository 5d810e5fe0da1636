import { Command } from 'commander';
import type { NodeTLSInfo } from '@flotilla/contracts';
import { dockerApi } from '../client/connect-api';
import { CliError } from '../errors';
import { progressLines, rotationCounts } from './ca-progress';

const POLL_MS = 200;

/**
 * `flotilla swarm ca [--rotate] [-d] [-q]`: as docker's, prints the root CA; with --rotate, counts
 * CAConfig.ForceRotate up, follows the nodes until every one holds a certificate of the new root and
 * trusts only it (one line per change; docker redraws them on a terminal), then prints the new root
 * (checked against dockerd 20.10: `--rotate -q` prints nothing, `--detach` returns at once, silent).
 */
export function caCommand(): Command {
  const cmd = new Command('ca')
    .description('Display and rotate the root CA')
    .option('--rotate', 'rotate the swarm CA; a new certificate and key are generated')
    .option('-d, --detach', 'exit immediately instead of waiting for the root rotation to converge')
    .option('-q, --quiet', 'suppress progress output')
    .action(async () => {
      const o = cmd.opts<{ rotate?: boolean; detach?: boolean; quiet?: boolean }>();
      const api = await dockerApi();
      let sw = await api.swarm();
      if (o.rotate) {
        const ca = sw.Spec.CAConfig ?? {};
        await api.updateSwarm(sw.Version.Index, { ...sw.Spec, CAConfig: { ...ca, ForceRotate: (ca.ForceRotate ?? 0) + 1 } }, { worker: false, manager: false });
        // As docker's: --detach prints nothing; --quiet waits for convergence and prints nothing.
        if (o.detach) return;
        let last: string[] = [];
        for (;;) {
          sw = await api.swarm();
          const c = rotationCounts(tlsOf(sw), await api.nodes(), (sw as { RootRotationInProgress?: boolean }).RootRotationInProgress === true);
          const lines = progressLines(c);
          if (!o.quiet) for (const [i, l] of lines.entries()) if (l !== last[i]) process.stdout.write(`${l}\n`);
          last = lines;
          if (c.done) break;
          await new Promise((r) => setTimeout(r, POLL_MS));
        }
        if (o.quiet) return;
        sw = await api.swarm();
      }
      const root = tlsOf(sw).TrustRoot?.trim();
      if (!root) throw new CliError('No CA information available');
      process.stdout.write(`${root}\n`);
    });
  return cmd;
}

const tlsOf = (sw: { TLSInfo?: unknown }) => (sw.TLSInfo ?? {}) as Partial<NodeTLSInfo>;
