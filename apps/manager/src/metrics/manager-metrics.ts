import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { StateView } from '@flotilla/state';
import { STATE_STORE } from '../tokens';
import type { RaftStore } from '../cluster/raft-store';
import { ControlLoopService } from '../control/control-loop.service';
import { DispatcherService } from '../control/dispatcher.service';
import { stateGauges, type Sample, type StateGauges } from './state-gauges';

/** Latency buckets (seconds) from 0.5 ms to 10 s: fsyncs and proposals sit low, passes and fetches higher. */
const LATENCY_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/**
 * This manager's figures in a registry of its own (not prom-client's global
 * one: the embedded worker and tests live in the same process). What the
 * store holds is computed when scraped, from the view at that index, so the
 * gauges always equal what `service ps` and `node ls` read; latencies are
 * observed as they happen through the hooks the Raft host, the control loop
 * and the dispatcher offer.
 */
@Injectable()
export class ManagerMetrics implements OnModuleInit, OnModuleDestroy {
  readonly registry = new Registry();
  private cached?: { index: number; gauges: StateGauges };
  readonly apiRequests: Histogram<'method' | 'route' | 'status'>;

  constructor(
    @Inject(STATE_STORE) private readonly store: RaftStore,
    @Inject(ControlLoopService) private readonly loop: ControlLoopService,
    @Inject(DispatcherService) private readonly dispatcher: DispatcherService,
  ) {
    const registers = [this.registry];
    // The standard process_* and nodejs_* names (event-loop lag included): dashboards expect them.
    collectDefaultMetrics({ register: this.registry });
    const raft = () => this.store.raft.status();
    this.gauge('flotilla_raft_term', 'Current Raft term seen by this manager.', () => raft().term);
    this.gauge('flotilla_raft_commit_index', 'Highest log index this manager knows to be committed.', () => raft().commit);
    this.gauge('flotilla_raft_applied_index', 'Highest log index applied to this manager\'s store.', () => raft().applied);
    this.gauge('flotilla_raft_leader', '1 if this manager is the Raft leader, else 0.', () => (raft().role === 'leader' ? 1 : 0));
    this.gauge('flotilla_raft_has_leader', '1 if this manager knows a leader, else 0.', () => (raft().leader ? 1 : 0));
    this.gauge('flotilla_raft_snapshot_size_bytes', 'Size of the newest Raft snapshot this manager holds.', () => this.store.raft.snapshotBytes());
    new Gauge({
      name: 'flotilla_raft_members',
      help: 'Raft members by whether they vote.',
      labelNames: ['voter'],
      registers,
      collect() {
        this.reset();
        const m = store.raft.membership();
        this.set({ voter: 'true' }, m.voters.length);
        this.set({ voter: 'false' }, m.learners.length);
      },
    });
    this.gauge('flotilla_store_index', 'Raft index of the state this manager\'s store holds.', () => this.store.view().index);
    this.stateGauge('flotilla_store_objects', 'Objects in the store by kind.', ['kind'], (g) => g.objects);
    this.stateGauge('flotilla_tasks', 'Tasks in the store by service, current state and desired state (history included, as service ps lists them).', ['service', 'state', 'desired_state'], (g) => g.tasks);
    this.stateGauge('flotilla_tasks_by_state', 'Tasks in the store by current state, every state listed.', ['state'], (g) => g.tasksByState);
    this.stateGauge('flotilla_nodes', 'Nodes by status, availability and role, as node ls shows them.', ['state', 'availability', 'role'], (g) => g.nodes);
    this.stateGauge('flotilla_scheduler_pending_tasks', 'Tasks waiting for a node, by the scheduler\'s reason.', ['reason'], (g) => g.pending);
    this.gauge('flotilla_dispatcher_pending_nodes', 'Nodes whose assignment set changed and that have not fetched it yet (leader only).', () => this.dispatcher.pendingNodes());

    this.proposals = new Histogram({
      name: 'flotilla_raft_proposal_duration_seconds',
      help: 'From a proposal made on this manager to its entry applied here.',
      labelNames: ['outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.walSyncs = new Histogram({ name: 'flotilla_raft_wal_fsync_duration_seconds', help: 'One fdatasync of the Raft WAL.', buckets: LATENCY_BUCKETS, registers });
    this.passes = new Histogram({
      name: 'flotilla_orchestrator_pass_duration_seconds',
      help: 'One control-loop pass on the leader (reconcile, network allocation and scheduling, with their commits).',
      labelNames: ['committed'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.answered = new Histogram({
      name: 'flotilla_dispatcher_assignment_latency_seconds',
      help: 'From a node\'s doorbell rung to that node fetching its assignment set.',
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.apiRequests = new Histogram({
      name: 'flotilla_api_request_duration_seconds',
      help: 'HTTP requests to this manager by method, route template and status code.',
      labelNames: ['method', 'route', 'status'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
  }

  private readonly proposals: Histogram<'outcome'>;
  private readonly walSyncs: Histogram;
  private readonly passes: Histogram<'committed'>;
  private readonly answered: Histogram;

  onModuleInit() {
    this.store.raft.observer = {
      proposal: (s, outcome) => this.proposals.observe({ outcome }, s),
      walSync: (s) => this.walSyncs.observe(s),
    };
    this.loop.onPass = (s, committed) => this.passes.observe({ committed: String(committed) }, s);
    this.dispatcher.onAnswered = (s) => this.answered.observe(s);
  }

  onModuleDestroy() {
    this.store.raft.observer = null;
    this.loop.onPass = null;
    this.dispatcher.onAnswered = null;
  }

  /** The Prometheus text exposition of everything in this registry. */
  scrape(): Promise<string> {
    return this.registry.metrics();
  }

  private gauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  /** A gauge set at scrape time from the state gauges of the current view (computed once per index). */
  private stateGauge<L extends string>(name: string, help: string, labelNames: L[], pick: (g: StateGauges) => Sample[]): void {
    const gauges = () => this.gaugesOf(this.store.view());
    new Gauge({
      name,
      help,
      labelNames,
      registers: [this.registry],
      collect() {
        this.reset();
        for (const s of pick(gauges())) this.set(s.labels as Partial<Record<L, string>>, s.value);
      },
    });
  }

  private gaugesOf(view: StateView): StateGauges {
    if (this.cached?.index !== view.index) this.cached = { index: view.index, gauges: stateGauges(view) };
    return this.cached.gauges;
  }
}
