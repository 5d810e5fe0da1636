// Types of wire.mjs for the specs that drive it from TypeScript.
import type { WireDiff, WireView } from '../src/console/console-wire';

export interface PageState {
  q: number;
  nodes: Map<string, unknown>;
  services: Map<string, unknown>;
  tasks: Map<string, unknown>;
  byNode: Map<string, Set<string>>;
}
export interface Touched {
  nodes: boolean;
  services: boolean;
  lists: boolean;
  tasksOf: Set<string>;
}
export function createState(): PageState;
export function load(st: PageState, view: WireView): void;
export function apply(st: PageState, d: WireDiff): Touched | undefined;
export function toView(st: PageState): WireView;
