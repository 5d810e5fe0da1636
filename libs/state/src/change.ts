import type { AnyObject, ObjectKind } from './objects';

export interface Change {
  kind: ObjectKind;
  id: string;
  before?: AnyObject;
  after?: AnyObject;
}

export interface ChangeEvent {
  index: number;
  changes: Change[];
}
