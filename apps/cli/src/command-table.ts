import type { Command } from 'commander';

const VERSION = '0.1.0';

type Load = () => Promise<Command[]>;

/**
 * `flotilla compose` verbs in the order help lists them, each loaded only when asked for: a verb's
 * module brings its own dependencies (dockerode, the scheduler's filters...), which the others
 * should not pay for at start-up.
 */
export const COMPOSE_VERBS: ReadonlyArray<[string[], Load]> = [
  [['up'], async () => [(await import('./compose/up')).upCommand()]],
  [['down'], async () => [(await import('./compose/down')).downCommand()]],
  [['ps'], async () => [(await import('./compose/ps')).psCommand()]],
  [['logs'], async () => [(await import('./compose/logs')).logsCommand()]],
  [['config'], async () => [(await import('./compose/config')).configCommand()]],
  [['build'], async () => [(await import('./compose/build')).buildCommand()]],
  [['push'], async () => [(await import('./compose/push')).pushCommand()]],
  [['pull'], async () => [(await import('./compose/pull')).pullCommand()]],
  [['exec'], async () => [(await import('./compose/exec')).execCommand()]],
  [['run'], async () => [(await import('./compose/run')).runCommand()]],
  [['kill'], async () => [(await import('./compose/kill')).killCommand()]],
  [['pause', 'unpause'], async () => {
    const m = await import('./compose/pause');
    return [m.pauseCommand(), m.unpauseCommand()];
  }],
  [['restart'], async () => [(await import('./compose/restart')).restartCommand()]],
  [['top'], async () => [(await import('./compose/top')).topCommand()]],
  [['create'], async () => [(await import('./compose/create')).createCommand()]],
  [['start'], async () => [(await import('./compose/start')).startCommand()]],
  [['stop'], async () => [(await import('./compose/stop')).stopCommand()]],
  [['rm'], async () => [(await import('./compose/rm')).rmCommand()]],
  [['scale'], async () => [(await import('./compose/scale')).scaleCommand()]],
  [['port'], async () => [(await import('./compose/port')).portCommand()]],
  [['images'], async () => [(await import('./compose/images')).imagesCommand()]],
  [['events'], async () => [(await import('./compose/events')).eventsCommand()]],
  [['version'], async () => [(await import('./compose/version')).versionCommand(VERSION)]],
  [['help'], async () => [(await import('./compose/help')).helpCommand()]],
];

/** The other top-level commands, each a module with its own verbs. */
export const NOUNS: ReadonlyArray<[string, () => Promise<Command>]> = [
  ['service', async () => (await import('./service/service.command')).serviceCommand()],
  ['node', async () => (await import('./node/node.command')).nodeCommand()],
  ['stack', async () => (await import('./stack/stack.command')).stackCommand()],
  ['swarm', async () => (await import('./swarm/swarm.command')).swarmCommand()],
];

export { VERSION };
