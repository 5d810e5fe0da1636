export { reconcile, reconcileSteps, type ReconcileInput, type ReconcilePlan } from './reconcile';
export { schedule, scheduleSteps, type ScheduleInput, type SchedulePlan } from './schedule';
export { runSteps, type Steps } from './steps';
export {
  parseConstraint,
  matches,
  constraintsMatch,
  compilePlacement,
  type Constraint,
  type CompiledPlacement,
} from './constraint';
export { ConstraintError, SchedulingError } from './errors';
export { sameSpec } from './spec-equal';
export { retireEndedTasks } from './restart-ended';
export { jobCounts, jobIteration } from './reconcile-job';
export { planUpdateProgress, planUpdates, type UpdateStep } from './update-progress';
export { activeUpdateConfig, UPDATE_DEFAULTS } from './update-config';
export { dependenciesOf, dependencyVerdict, hasDependencies, type DependencyCondition, type DependencyVerdict } from './depends-on';
