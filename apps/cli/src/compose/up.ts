import { Command, Option } from 'commander';
import type { ComposeProject } from '@flotilla/compose';
import { composeStack } from './compose-stack';
import type { StackDeployRequest } from '@flotilla/contracts';
import { CliError } from '../errors';
import { addProjectOptions, checkServices, load, printWarnings, projectOptions } from './project-options';
import { convergence, dependencyFailure } from './task-view';
import { timeoutMs, waitFor } from './wait';
import { buildImages, checkBuildContexts } from './build/build-images';
import { buildAlongside } from './up/build-alongside';
import { planUp, type UpFlags } from './up/up-options';
import { applyStrategy } from './up/converge';
import { startEnded } from './verbs/project-services';
import { monochrome } from './up/log-printer';
import { processIo } from './up/io';
import { LocalEngine } from './engine.adapter';
import { ShippingProgress } from './up/shipping-progress';
import { dependencyFailureReport, resourceLines, startFailureReport, upSteps, UpProgress } from './up/up-progress';
import { TtyProgressWriter } from '../progress/progress-writer';
import { composeWarning } from './console-log';
import { builtImageIds } from './built-image-ids';

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function upCommand(): Command {
  const cmd = new Command('up')
    .description('Create and start containers (deploys the project as a stack)')
    .argument('[SERVICE...]', 'services to start, with what they depend on')
    .option('-d, --detach', 'run in the background, print new container names')
    .addOption(new Option('--scale <SERVICE=NUM>', 'scale SERVICE to NUM instances (repeatable)').argParser(collect))
    .option('--remove-orphans', 'remove services of the project that are not in the compose file')
    .option('--no-start', 'accepted for compatibility; flotilla always starts what it creates')
    .option('--build', 'build images before starting containers')
    .option('--no-build', "don't build an image, even if it's missing")
    .option('--no-color', 'produce monochrome output')
    .option('--no-deps', "don't start linked services")
    .option('--force-recreate', "recreate containers even if their configuration and image haven't changed")
    .option('--no-recreate', "if containers already exist, don't recreate them")
    .option('--abort-on-container-exit', 'stops all containers if any container was stopped; incompatible with -d')
    .option('--exit-code-from <SERVICE>', 'return the exit code of the selected service container; implies --abort-on-container-exit')
    .option('-t, --timeout <TIMEOUT>', 'timeout in seconds for container shutdown when attached (default: the service\'s stop_grace_period)')
    .option('--no-log-prefix', "don't print prefix in logs");
  addProjectOptions(cmd);
  // Both flags set one value in commander; its per-flag events tell whether both were given.
  const buildFlags = new Set<string>();
  cmd.on('option:build', () => buildFlags.add('build')).on('option:no-build', () => buildFlags.add('no-build'));
  cmd.action(async (services: string[]) => {
    if (buildFlags.size === 2) throw new CliError('--build and --no-build can not be combined.');
    const raw = cmd.opts<Omit<UpFlags, 'noRecreate'> & { scale?: string[]; removeOrphans?: boolean; build?: boolean; deps: boolean; recreate: boolean }>();
    // commander reads `--no-recreate` as `recreate: false`.
    const opts = { ...raw, noRecreate: raw.recreate === false };
    const project = load(projectOptions(cmd));
    printWarnings(project);
    const plan = planUp(opts, Object.keys(project.services), composeWarning);
    checkServices(project, services);
    const scale = parseScale(opts.scale ?? [], project);
    const unbuilt = select(composeStack(project, { scale }), project, services, opts.deps);
    // Images are built on the local engine; what needs none of them starts meanwhile, and is removed
    // again if a build fails (docker-compose 1.29 builds first: a failed build leaves nothing either).
    const toStart = unbuilt.services.map((s) => s.Labels?.['com.docker.compose.service'] ?? s.Name);
    checkBuildContexts(project);
    const policy = opts.build === true ? 'always' : opts.build === false ? 'never' : 'missing';
    // --no-build builds nothing, so nothing overlaps: a missing image is refused before anything is deployed.
    if (policy === 'never') await buildImages(project, toStart, { policy });
    const { client, existing, before, createdEarly } = await buildAlongside(project, unbuilt, plan.strategy, () =>
      policy === 'never' ? Promise.resolve() : buildImages(project, toStart, { policy }),
    );
    // Built now: each built image's ID labels its containers, so a rebuilt image recreates them, as in
    // 1.29. (What started early builds nothing: its specs are the same.)
    const stack = select(composeStack(project, { scale, imageIds: await builtImageIds(project) }), project, services, opts.deps);
    // `existing` is the stack before this `up`: it decides what --force-recreate / --no-recreate send.
    const applied = applyStrategy(stack, existing, plan.strategy);
    const deployed = await client.deployStack(project.name, { ...applied, prune: !!opts.removeOrphans });
    const early = new Set(createdEarly);
    const result = { ...deployed, created: [...createdEarly, ...deployed.created], unchanged: deployed.unchanged.filter((n) => !early.has(n)) };
    // Before the first poll, so no snapshot shows an ended container as this `up`'s `done`.
    const restarted = await startEnded(client, before, result.unchanged);
    for (const n of result.removed) process.stderr.write(`Removing orphan service ${n} ... done\n`);
    for (const l of resourceLines(project, stack, before)) process.stderr.write(`${l}\n`);
    // 1.29's container lines, service by service in dependency order, each `done` once its tasks run.
    // The specs as sent: after a --force-recreate, `up --scale` keeps that ForceUpdate and changes only the count.
    const progress = new UpProgress(upSteps(project, applied, result, existing, before.networks, restarted), !!process.stderr.isTTY);
    const wanted = new Set(stack.services.map((s) => s.Labels?.['com.docker.compose.service'] ?? s.Name));
    // Built images reach other nodes while their tasks prepare: say so, as 1.29 shows pulls.
    const shipping = new ShippingProgress();
    // On a terminal, bars redrawn in place (as docker draws a pull); piped, a line per start and end.
    const bars = process.stderr.isTTY ? new TtyProgressWriter(process.stderr) : undefined;
    const state = await waitFor(
      client,
      project.name,
      (s) => {
        if (bars) {
          const f = shipping.frame(s);
          if (f.lines.length) bars.update(f);
        } else for (const l of shipping.lines(s)) process.stderr.write(`${l}\n`);
        process.stderr.write(progress.next(s));
        const dep = dependencyFailure(s, wanted);
        if (dep) {
          const report = dependencyFailureReport(dep);
          process.stderr.write(report.text);
          return { done: false, fail: report.error };
        }
        const c = convergence(s, wanted);
        if (c.failure) {
          const report = startFailureReport(progress, s, c.failure);
          process.stderr.write(report.text);
          return { done: false, fail: report.error };
        }
        return { done: c.done && !progress.removing() };
      },
      timeoutMs(),
      `project ${project.name} to converge`,
    );
    process.stderr.write(progress.next(state));
    if (opts.detach) return;
    // Loaded here: `up -d` never attaches, and what attaching needs (dockerode) costs start-up time.
    const { runAttached } = await import('./up/attach');
    const code = await runAttached(
      client,
      new LocalEngine(),
      state,
      {
        project: project.name,
        services: [...wanted],
        allServices: Object.keys(project.services),
        monochrome: monochrome({ color: opts.color, env: process.env }),
        prefix: opts.logPrefix,
        cascade: plan.cascade,
        exitCodeFrom: plan.exitCodeFrom,
        timeout: plan.timeout,
        stopServices: services.length ? services : undefined,
      },
      processIo(),
    );
    // Log streams and timers may still hold the loop: the attached run is over, so is the command.
    process.exit(code);
  });
  return cmd;
}

function parseScale(items: string[], project: ComposeProject): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) {
    const m = /^([^=]+)=(\d+)$/.exec(item);
    if (!m) throw new CliError(`--scale expects SERVICE=NUM, got ${item}`);
    checkServices(project, [m[1]]);
    out[m[1]] = Number(m[2]);
  }
  return out;
}

/** `up SERVICE...` deploys those services and everything they depend on (not with --no-deps). */
function select(stack: StackDeployRequest, project: ComposeProject, services: string[], deps = true): StackDeployRequest {
  if (services.length === 0) return stack;
  const keep = new Set<string>();
  const visit = (name: string) => {
    if (keep.has(name)) return;
    keep.add(name);
    // --no-deps: only the named services.
    if (!deps) return;
    const dependsOn = (project.services[name] as { depends_on?: Record<string, unknown> | string[] } | undefined)?.depends_on;
    for (const d of Array.isArray(dependsOn) ? dependsOn : Object.keys(dependsOn ?? {})) visit(d);
  };
  services.forEach(visit);
  return {
    ...stack,
    services: stack.services.filter((s) => keep.has(s.Labels?.['com.docker.compose.service'] ?? '')),
  };
}
