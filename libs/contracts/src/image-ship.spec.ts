import { describe, expect, it } from 'vitest';
import { imageRequestRefusal, imageShipPath, isImageId, loadedImageMismatch } from './image-ship';
import type { Task } from './swarm-types';
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
