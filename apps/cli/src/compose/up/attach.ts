import type { LogFrame } from '@flotilla/contracts';
import type { ApiClient, StackState } from '../../client/api-client';
import type { LocalEngine } from '../engine.adapter';
import { abortExitCode, allEnded, attachedContainers, newExits, watchCurrent, type AttachedContainer, type Exit } from './exits';
import { ABORTING, GRACEFUL, assignPresenters, attachingLine, exitLine, nextPresenter, prefixWidth, presentLine } from './log-printer';
import { stopProject, killProject } from './shutdown';
import type { Io } from './io';

export interface AttachOptions {
  project: string;
  /** The services whose containers are followed, in the project's order. */
  services: string[];
  /** Every service of the project: the log prefix is as wide as the longest. */
  allServices: string[];
  monochrome: boolean;
  prefix: boolean;
  cascade: boolean;
  exitCodeFrom?: string;
  timeout?: number;
  /** What Ctrl+C or an abort stops: the services named on the command line, or (undefined) the whole project. */
  stopServices?: string[];
}

const POLL_MS = 250;
/** How long a container's exit line waits for the end of its log stream. */
const LOG_END_WAIT_MS = 10_000;

/**
 * docker-compose 1.29's attached `up` (cli/main.py up, log_printer.py): `Attaching to …`, prefixed
 * logs, `… exited with code N`; Ctrl+C stops the project gracefully, a second one kills it (exit 2);
 * with --abort-on-container-exit the first container to end stops the rest. Resolves with the exit code.
 */
export async function runAttached(client: ApiClient, engine: LocalEngine, start: StackState, o: AttachOptions, io: Io): Promise<number> {
  const watch = new Map<string, AttachedContainer>();
  watchCurrent(o.project, start, o.services, watch);
  const containers = attachedContainers(o.project, start, o.services);
  io.out(attachingLine(containers.map((c) => c.name)));
  const presenters = assignPresenters(
    containers.map((c) => c.name),
    { serviceNames: o.allServices, monochrome: o.monochrome, prefix: o.prefix },
  );
  const width = prefixWidth(o.allServices);
  const presenterOf = (c: AttachedContainer) => nextPresenter(presenters, c.name, { monochrome: o.monochrome, width, prefix: o.prefix });

  // A container's exit line comes after its last log line: it waits for its stream's end when one is open.
  const streamed = new Set(containers.map((c) => c.taskId));
  const logEnded = new Set<string>();
  const pending: Exit[] = [];
  const exits: Exit[] = [];
  const reported = new Set<string>();
  const seenAt = new Map<string, number>();
  let printing = true;
  let finish!: (how: { kind: 'ended' } | { kind: 'abort'; first: Exit } | { kind: 'interrupt' }) => void;
  const outcome = new Promise<Parameters<typeof finish>[0]>((r) => (finish = r));

  const flush = () => {
    while (pending.length && printing) {
      const e = pending[0];
      // Its last lines may still be on their way; a stream that never says it ended cannot hold the exit back for long.
      const waited = Date.now() - (seenAt.get(e.container.taskId) ?? 0);
      if (streamed.has(e.container.taskId) && !logEnded.has(e.container.taskId) && waited < LOG_END_WAIT_MS) return;
      pending.shift();
      io.out(exitLine(presenterOf(e.container), e.container.name, e.code));
      if (o.cascade) {
        printing = false;
        finish({ kind: 'abort', first: e });
        return;
      }
    }
  };

  const onFrame = (f: LogFrame) => {
    if (!printing) return;
    if (f.t === 'error') io.err(`WARNING: ${f.message}\n`);
    else if (f.t === 'end' && f.taskId) logEnded.add(f.taskId);
    else if (f.t === 'line') {
      const c = watch.get(f.taskId);
      if (c) io.out(presentLine(presenterOf(c), c.shortName, f.line));
    }
    flush();
  };
  const logs = new AbortController();
  const streams = Promise.all(
    o.services.map((service) =>
      client
        .logs(o.project, { service, follow: true, timestamps: false }, onFrame, logs.signal)
        .catch((e: Error) => io.err(`WARNING: ${e.message}\n`)),
    ),
  ).then(() => {
    // The manager closed every stream: no more lines will come for anyone.
    for (const id of streamed) logEnded.add(id);
    flush();
  });

  let interrupts = 0;
  let requestKill!: () => void;
  const killRequested = new Promise<'kill'>((r) => (requestKill = () => r('kill')));
  const unsubscribe = io.onInterrupt(() => {
    interrupts++;
    if (interrupts === 1) {
      printing = false;
      io.out(GRACEFUL);
      finish({ kind: 'interrupt' });
    } else if (interrupts === 2) {
      requestKill();
    }
  });

  const polling = (async () => {
    let state = start;
    for (;;) {
      for (const e of newExits(state, watch, reported)) {
        seenAt.set(e.container.taskId, Date.now());
        exits.push(e);
        pending.push(e);
      }
      flush();
      if (!printing) return;
      if (!o.cascade && pending.length === 0 && allEnded(state, watch)) {
        finish({ kind: 'ended' });
        return;
      }
      await new Promise((r) => setTimeout(r, POLL_MS));
      if (!printing) return;
      state = await client.stack(o.project);
      watchCurrent(o.project, state, o.services, watch);
    }
  })();

  const how = await outcome;
  printing = false;
  logs.abort();
  await Promise.allSettled([streams, polling]);
  try {
    if (how.kind === 'ended') return 0;
    if (how.kind === 'abort') io.out(ABORTING);
    // A second Ctrl+C during the stop kills instead of waiting: 1.29 exits 2 then.
    const stopped = stopProject(client, { project: o.project, services: o.stopServices, timeout: o.timeout }, io, (s) => {
      watchCurrent(o.project, s, o.services, watch);
      exits.push(...newExits(s, watch, reported));
    }).then(() => 'stopped' as const);
    if ((await Promise.race([stopped, killRequested])) === 'kill') {
      await killProject(engine, [...watch.values()], io);
      return 2;
    }
    if (how.kind === 'interrupt') return 0;
    return abortExitCode(how.first, exits, o.exitCodeFrom);
  } finally {
    unsubscribe();
  }
}
