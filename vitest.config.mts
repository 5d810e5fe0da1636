import swc from 'unplugin-swc';
import { defineConfig } from 'vitest/config';
import { fileURLToPath } from 'node:url';

const lib = (name: string) => fileURLToPath(new URL(`./libs/${name}/src/index.ts`, import.meta.url));
const alias = {
  '@flotilla/contracts': lib('contracts'),
  '@flotilla/compose': lib('compose'),
  '@flotilla/state': lib('state'),
  '@flotilla/scheduling': lib('scheduling'),
  '@flotilla/networking': lib('networking'),
  '@flotilla/raft': lib('raft'),
  '@flotilla/pki': lib('pki'),
  '@flotilla/raft-host': fileURLToPath(new URL('./libs/raft/src/host/index.ts', import.meta.url)),
};

// swc (not esbuild) so Nest's decorator metadata survives the transform.
const plugins = [swc.vite({ module: { type: 'es6' } })];

export default defineConfig({
  test: {
    projects: [
      {
        plugins,
        resolve: { alias },
        test: { name: 'unit', include: ['libs/**/*.spec.ts', 'apps/**/*.spec.ts'], environment: 'node' },
      },
      {
        plugins,
        resolve: { alias },
        test: {
          name: 'integration',
          include: ['test/**/*.spec.ts'],
          environment: 'node',
          testTimeout: 180_000,
          hookTimeout: 180_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
