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

/** Suites that share hosts or must not share the machine: run one at a time, after the rest. */
const SERIAL = ['test/cluster/**/*.spec.ts', 'test/raft/**/*.spec.ts', 'test/console/console-hosts.spec.ts', 'test/metrics/cluster-metrics.spec.ts', 'test/security/mtls.spec.ts', 'test/security/remote-api.spec.ts', 'test/security/cert-renewal.spec.ts', 'test/security/ca-rotate.spec.ts'];
const integration = { environment: 'node' as const, testTimeout: 180_000, hookTimeout: 180_000 };

// swc (not esbuild) so Nest's decorator metadata survives the transform.
const plugins = [swc.vite({ module: { type: 'es6' } })];

export default defineConfig({
  test: {
    projects: [
      {
        plugins,
        resolve: { alias },
        // 30 s, not 5: property suites run hundreds of cases, and a CI host may be loaded.
        test: { name: 'unit', include: ['libs/**/*.spec.ts', 'apps/**/*.spec.ts'], environment: 'node', maxWorkers: 2, testTimeout: 30_000, sequence: { groupOrder: 0 } },
      },
      {
        plugins,
        resolve: { alias },
        // Two files at a time: each has its own manager, ports, data dirs, project and service names.
        test: { ...integration, name: 'integration', include: ['test/**/*.spec.ts'], exclude: SERIAL, maxWorkers: 2, sequence: { groupOrder: 0 } },
      },
      {
        plugins,
        resolve: { alias },
        // Then, alone: the multi-host and multi-manager suites (netns hosts, Raft elections, timings that
        // another suite's load would stretch).
        test: { ...integration, name: 'integration-serial', include: SERIAL, fileParallelism: false, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
