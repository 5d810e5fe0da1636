export { reconcile, sameSpec, type ReconcileInput, type ReconcilePlan } from './reconcile';
export { schedule, type ScheduleInput, type SchedulePlan } from './schedule';
export { parseConstraint, matches, constraintsMatch, ConstraintError, type Constraint } from './constraint';
