import { resolve } from 'node:path';
/** Where the integration tests find the real Docker engine and Redis (set up by scripts/setup.sh). */
export const DOCKER_HOST = process.env.DOCKER_HOST || 'unix:///var/run/docker.sock';
export const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
export const ROOT = resolve(__dirname, '..', '..');
export const CLI = `${ROOT}/bin/flotilla.js`;
export const MANAGER_MAIN = `${ROOT}/dist/apps/manager/src/main.js`;
export const EXAMPLES = `${ROOT}/compose-examples`;
