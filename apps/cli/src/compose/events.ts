import { Command } from 'commander';
import { errorMessageOf, LABEL } from '@flotilla/contracts';
import { connect } from '../client/local-cluster';
import { CliError } from '../errors';
import { addProjectOptions, checkServices, load, projectOptions } from './project-options';
import { composeEvent, eventJson, eventText, type EngineEvent } from './verbs/verb-format';
import { forEachLine } from '../client/lines';

/**
 * `compose events [--json] [SERVICE...]`: the project's container events from
 * the manager's `GET /events`, which carries its own node's engine events
 * only: containers on other nodes are not seen.
 */
export function eventsCommand(): Command {
  const cmd = new Command('events').description('Receive real time events from containers').argument('[SERVICE...]').option('--json', 'output events as a stream of json objects');
  addProjectOptions(cmd);
  cmd.action(async (services: string[]) => {
    const o = cmd.opts<{ json?: boolean }>();
    const project = load(projectOptions(cmd));
    checkServices(project, services);
    const { client } = await connect({ autostart: false });
    const filters = encodeURIComponent(JSON.stringify({ type: ['container'], label: [`${LABEL.composeProject}=${project.name}`] }));
    const ac = new AbortController();
    process.once('SIGINT', () => ac.abort());
    let res: Response;
    try {
      res = await fetch(`${client.baseUrl}/v1.41/events?filters=${filters}`, { signal: ac.signal });
    } catch (e) {
      throw new CliError(`cannot reach the flotilla manager at ${client.baseUrl}: ${(e as Error).message}`);
    }
    if (!res.ok || !res.body) throw new CliError(`Error response from daemon: ${errorMessageOf(await res.text())}`);
    const print = (line: string) => {
      const e = composeEvent(JSON.parse(line) as EngineEvent);
      if (!e || (services.length > 0 && !services.includes(e.service ?? ''))) return;
      process.stdout.write((o.json ? eventJson(e) : eventText(e)) + '\n');
    };
    try {
      await forEachLine(res.body, print);
    } catch (e) {
      if (!ac.signal.aborted) throw e;
    }
  });
  return cmd;
}
