import { describe, expect, it } from 'vitest';
import { filterServices, parseFilter, PsFilterError, type ServiceFacts } from './ps-filter';
import { hashTargets } from './config-hash';

const facts: ServiceFacts[] = [
  { name: 'web', image: true, build: false, containers: ['running'] },
  { name: 'worker', image: true, build: false, containers: ['stopped'] },
  { name: 'app', image: false, build: true, containers: [] },
];

describe('ps --services --filter, as 1.29 (recorded in test/compose/fixtures/verbs)', () => {
  it.each<[string | undefined, string[] | string]>([
    [undefined, ['web', 'worker', 'app']],
    ['status=running', ['web']],
    ['status=stopped', ['worker']],
    ['status=paused', []],
    ['source=image', ['web', 'worker']],
    ['source=build', ['app']],
    ['source=git', 'Invalid value for source filter: git'],
    ['foo=bar', 'Invalid filter: foo'],
    ['status=bogus', 'Invalid state: bogus'],
    ['status', 'Arguments to --filter should be in form KEY=VAL'],
  ])('%s', (arg, want) => {
    const run = () => filterServices(facts, parseFilter(arg));
    if (typeof want === 'string') expect(run).toThrow(new PsFilterError(want));
    else expect(run()).toEqual(want);
  });
});

describe('config --hash targets', () => {
  it.each<[string, { names: string[]; unknown?: string }]>([
    ['*', { names: ['web', 'worker'] }],
    ['web', { names: ['web'], unknown: undefined }],
    ['web,nope', { names: ['web', 'nope'], unknown: 'nope' }],
  ])('%s', (arg, want) => expect(hashTargets(arg, ['web', 'worker'])).toEqual(want));
});
