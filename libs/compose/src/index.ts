export { loadProject, type LoadOptions } from './load';
export { ComposeError, formatProblem, type ComposeProblem } from './errors';
export { toStack, toServiceSpecs, dependencyOrder } from './to-stack';
export { renderConfig } from './render-config';
export { parseDotenv } from './dotenv';
export { interpolate, InterpolationError } from './interpolate';
export { parseDuration, parseSize } from './units';
export type * from './model';
export { serviceNames, volumeNames, profileNames } from './project-queries';
