import { describe, expect, it } from 'vitest';
import { imageHolderCandidates, imageReadRoute, imageRequestRefusal, imageShipPath, isImageId, loadedImageMismatch } from './image-ship';
import { relayRoute } from './engine-relay';
import type { SwarmNode, Task } from './swarm-types';
import type { TaskState } from './task-state';

const task = (node: string, image: string, state: TaskState = 'preparing', desired: TaskState = 'running') =>
  ({ ID: `t-${node}-${image}`, NodeID: node, Spec: { ContainerSpec: { Image: image } }, Status: { State: state }, DesiredState: desired }) as unknown as Task;

const ID_A = `sha256:${'a'.repeat(64)}`;
const ID_B = `sha256:${'b'.repeat(64)}`;

describe('imageRequestRefusal: a node gets only images its own live tasks run', () => {
  const tasks = [
    task('n1', 'app_web:latest'),
    task('n2', 'secret/db:1'),
    task('n1', 'old:1', 'running', 'shutdown'),
    task('n1', 'gone:1', 'failed'),
    task('n1', 'job:1', 'preparing', 'complete'),
  ];
  it.each([
    ['n1', 'app_web:latest', undefined],
    ['n1', 'job:1', undefined],
    ['n1', 'secret/db:1', 'no task of node n1 runs image secret/db:1'],
    ['n2', 'app_web:latest', 'no task of node n2 runs image app_web:latest'],
    ['n1', 'old:1', 'no task of node n1 runs image old:1'],
    ['n1', 'gone:1', 'no task of node n1 runs image gone:1'],
    ['n1', 'app_web', 'no task of node n1 runs image app_web'],
    ['n1', '', 'invalid image name'],
    ['n3', 'app_web:latest', 'no task of node n3 runs image app_web:latest'],
  ])('node %s asking for %j', (node, image, want) => {
    expect(imageRequestRefusal(tasks, node, image)).toBe(want);
  });

  it('refuses everything to a node with no tasks', () => {
    expect(imageRequestRefusal([], 'n1', 'app_web:latest')).toMatch(/^no task/);
  });
});

describe('loadedImageMismatch: the loaded image must be the announced one', () => {
  it.each([
    [ID_A, ID_A, undefined],
    [ID_A, ID_B, `image x:1: loaded image ID ${ID_B} does not match ${ID_A} announced by the manager`],
    [ID_A, undefined, `image x:1: not present after loading the manager's archive`],
    [undefined, ID_A, 'image x:1: the manager announced no valid image ID (none)'],
    ['sha256:short', 'sha256:short', 'image x:1: the manager announced no valid image ID (sha256:short)'],
  ])('announced %s, loaded %s', (announced, loaded, want) => {
    expect(loadedImageMismatch('x:1', announced, loaded)).toBe(want);
  });
});

describe('image ship wire details', () => {
  it('names the image in the query, escaped', () => {
    expect(imageShipPath('n1', 'localhost:5000/a/b:1')).toBe('/flotilla/v1/nodes/n1/image?name=localhost%3A5000%2Fa%2Fb%3A1');
    expect(imageShipPath('n1', 'a:1', `sha256:${'f'.repeat(64)}`)).toBe(`/flotilla/v1/nodes/n1/image?name=a%3A1&id=sha256%3A${'f'.repeat(64)}`);
  });
  it.each([
    [ID_A, true],
    [ID_A.toUpperCase(), false],
    [`${ID_A}0`, false],
    ['a'.repeat(64), false],
    [undefined, false],
  ])('isImageId(%s) = %s', (s, want) => {
    expect(isImageId(s)).toBe(want);
  });
});

describe('imageReadRoute: only an image inspect or save, of one name, passes', () => {
  it.each([
    ['GET', '/images/app_web%3Alatest/json', { name: 'app_web:latest', part: 'json' }],
    ['GET', '/v1.41/images/reg.example%3A5000%2Fa%2Fb%3A1/get', { name: 'reg.example:5000/a/b:1', part: 'get' }],
    ['get', '/images/sha256%3Aabc/json', { name: 'sha256:abc', part: 'json' }],
    ['POST', '/images/app/json', undefined],
    ['DELETE', '/images/app', undefined],
    ['GET', '/images/get?names=a&names=b', undefined],
    ['GET', '/images/app/get?x=1', undefined],
    ['GET', '/images/app/history', undefined],
    ['GET', '/images/a/../containers/x/json', undefined],
    ['GET', '/images/%E0%A4%A/json', undefined],
    ['GET', '/containers/app/json', undefined],
  ] as const)('%s %s', (method, url, want) => {
    expect(imageReadRoute(method, url)).toEqual(want);
  });

  it('is never a route the API relays for a client', () => {
    expect(relayRoute('GET', '/images/app/get')).toBeUndefined();
    expect(relayRoute('GET', '/images/app/json')).toBeUndefined();
  });
});

describe('imageHolderCandidates: which other nodes may hold the image, preferred first', () => {
  const node = (ID: string, role: 'manager' | 'worker', state = 'ready') => ({ ID, Spec: { Role: role }, Status: { State: state } }) as unknown as SwarmNode;
  it.each([
    ['managers before workers, each by ID', [node('w2', 'worker'), node('m2', 'manager'), node('w1', 'worker'), node('m1', 'manager')], 'x', 'y', ['m1', 'm2', 'w1', 'w2']],
    ['never the node asking nor this manager', [node('a', 'worker'), node('b', 'manager'), node('c', 'worker')], 'a', 'b', ['c']],
    ['only ready nodes (nothing answers from a down one)', [node('a', 'worker', 'down'), node('b', 'worker', 'disconnected'), node('c', 'worker')], 'x', undefined, ['c']],
    ['none when the cluster is the asker and this manager', [node('a', 'worker'), node('b', 'manager')], 'a', 'b', []],
  ] as const)('%s', (_what, nodes, requester, self, want) => {
    expect(imageHolderCandidates(nodes, requester, self)).toEqual(want);
  });
});
