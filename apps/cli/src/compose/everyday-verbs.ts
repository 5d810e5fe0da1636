import type { Command } from 'commander';
import { createCommand } from './create';
import { startCommand } from './start';
import { stopCommand } from './stop';
import { rmCommand } from './rm';
import { scaleCommand } from './scale';
import { portCommand } from './port';
import { imagesCommand } from './images';
import { eventsCommand } from './events';
import { versionCommand } from './version';
import { helpCommand } from './help';

/** create, start, stop, rm, scale, port, images, events, version, help: registered together on `compose`. */
export function everydayVerbs(flotillaVersion: string): Command[] {
  return [createCommand(), startCommand(), stopCommand(), rmCommand(), scaleCommand(), portCommand(), imagesCommand(), eventsCommand(), versionCommand(flotillaVersion), helpCommand()];
}
