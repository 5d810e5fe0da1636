import { SeededRandom } from '../core/rand';
import type { NodeId } from '../core/types';
import { SimCluster } from './cluster';
import { checkLinearizable, kvModel } from './linearizability';
import { Workload } from './workload';

export interface SeedResult {
  readonly seed: number;
  readonly ok: boolean;
  readonly failure: string | null;
  readonly trace: string[];
  readonly ops: number;
  readonly messages: number;
  readonly simMs: number;
  /** The chaos phase length this run used. */
  readonly chaosMs?: number;
}

export interface SeedOptions {
  readonly trace?: boolean;
  /** Stop the chaos phase after this many ms (to shorten a failing trace). */
  readonly chaosMs?: number;
}

/**
 * One seeded run: pick a cluster size and fault mix from the seed, drive
 * clients through a phase of chaos (crashes with torn writes, partitions both
 * and one way, lossy/duplicating/reordering links), then heal everything and
 * require every client to finish. Safety is checked at every step, the log
 * matching property periodically, and the history for linearizability.
 */
export function runSeed(seed: number, opts: SeedOptions = {}): SeedResult {
  const r = new SeededRandom(seed * 2654435761);
  const size = r.chance(0.5) ? 3 : 5;
  const ids: NodeId[] = ['n1', 'n2', 'n3', 'n4', 'n5'].slice(0, size);
  const c = new SimCluster(
    ids,
    {
      dropRate: r.pick([0, 0.01, 0.05, 0.1]),
      dupRate: r.pick([0, 0.02, 0.05]),
      minDelay: 1,
      maxDelay: r.pick([3, 10, 25]),
      diskDelay: 1 + r.int(3),
      tornWrites: true,
    },
    seed,
    {
      preVote: !r.chance(0.25),
      checkQuorum: !r.chance(0.25),
      maxInflightMsgs: r.pick([1, 4, 64]),
      maxSizePerMsg: r.pick([200, 4096, 1 << 20]),
      snapshotChunkBytes: r.pick([64, 1024, 1 << 20]),
    },
    r.pick([0, 10, 40]),
    opts.trace ?? false,
  );
  const cfg = c.raftConfig;
  // Membership churn only where PreVote and CheckQuorum keep removed members harmless.
  const churnMembers = cfg.preVote !== false && cfg.checkQuorum !== false && r.chance(0.4);
  const w = new Workload(c, 2 + r.int(4), 10 + r.int(20), ['x', 'y', 'z'].slice(0, 1 + r.int(3)));
  w.start();
  const chaosMs = opts.chaosMs ?? 2500;
  let checkTick = 0;
  const fail = (msg: string): SeedResult => ({
    seed,
    ok: false,
    failure: msg,
    trace: c.trace ?? [],
    ops: w.history.length,
    messages: c.messagesSent,
    simMs: c.q.now,
    chaosMs,
  });
  while (c.q.now < chaosMs && c.safety.ok()) {
    // Figure 8 needs leaders to die right after proposing: short gaps are common.
    c.runFor(r.chance(0.4) ? 1 + r.int(15) : 30 + r.int(250));
    if (++checkTick % 3 === 0) c.checkLogMatching();
    const roll = r.next();
    const down = ids.filter((id) => !c.node(id).up);
    const lead = c.leader();
    if (roll < 0.15 && lead) {
      c.crash(lead.id);
      // Keep a majority up so new leaders keep appearing (6.824's Figure8 test does the same).
      const still = ids.filter((id) => !c.node(id).up);
      if (still.length > (ids.length - 1) / 2) c.restart(r.pick(still));
    } else if (roll < 0.25) c.crash(r.pick(ids));
    else if (roll < 0.4 && down.length > 0) c.restart(r.pick(down));
    else if (roll < 0.55) {
      const shuffled = [...ids].sort(() => r.next() - 0.5);
      const cut = 1 + r.int(ids.length - 1);
      c.partition([shuffled.slice(0, cut), shuffled.slice(cut)]);
    } else if (roll < 0.65) {
      const a = r.pick(ids);
      const b = r.pick(ids.filter((x) => x !== a));
      c.cutOneWay(a, b);
    } else if (roll < 0.8) c.heal();
    else if (roll < 0.9 && churnMembers && lead) changeMembership(c, r, lead.id);
  }
  if (!c.safety.ok()) return fail(c.safety.violation as string);
  c.heal();
  for (const id of c.ids) c.restart(id);
  const finished = c.runUntil(() => w.done(), 20_000);
  if (!c.safety.ok()) return fail(c.safety.violation as string);
  c.checkLogMatching();
  if (!c.safety.ok()) return fail(c.safety.violation as string);
  if (!finished) return fail(`liveness: clients did not finish within 20 s of healing (leader: ${c.leader()?.id ?? 'none'})`);
  const hist = w.finalHistory();
  const lin = checkLinearizable(kvModel, hist);
  if (!lin.ok) return fail(lin.unknown ? 'linearizability check gave up (too many states)' : `history not linearizable (key partition ${lin.partition})`);
  return { seed, ok: true, failure: null, trace: [], ops: hist.length, messages: c.messagesSent, simMs: c.q.now };
}

/** One membership step on the leader: add a learner, promote it, or remove a voter (keeping at least three). */
function changeMembership(c: SimCluster, r: SeededRandom, leadId: NodeId): void {
  const lead = c.node(leadId).raft;
  const conf = lead.status().conf;
  try {
    if (conf.learners.length > 0) {
      lead.proposeConfChange({ type: 'addVoter', node: conf.learners[0] });
      c.log(`${leadId} proposes addVoter ${conf.learners[0]}`);
    } else if (conf.voters.length > 3 && r.chance(0.6)) {
      const victim = r.pick(conf.voters.filter((v) => v !== leadId));
      lead.proposeConfChange({ type: 'remove', node: victim });
      c.log(`${leadId} proposes remove ${victim}`);
    } else if (c.ids.length < 8) {
      const id = `n${c.ids.length + 1}`;
      lead.proposeConfChange({ type: 'addLearner', node: id });
      c.addNode(id);
      c.log(`${leadId} proposes addLearner ${id}`);
    }
  } catch {
    // A change is still pending, or leadership is moving: try again later.
    return;
  }
  c.afterInput(c.node(leadId));
}
