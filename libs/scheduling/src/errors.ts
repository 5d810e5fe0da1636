/** Base of the errors this lib throws, so callers can tell them from bugs. */
export class SchedulingError extends Error {
  override name = 'SchedulingError';
}

/** A placement constraint Docker would refuse; the message is Docker's. */
export class ConstraintError extends SchedulingError {
  override name = 'ConstraintError';
  constructor(
    message: string,
    readonly expr: string,
  ) {
    super(message);
  }
}
