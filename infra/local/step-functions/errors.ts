/**
 * Errors of the local Step Functions service: the ones the API answers with (named exactly as
 * the real service names them, so that `@aws-sdk/client-sfn` raises the matching exception
 * class), and the internal error that ends an execution without Retry or Catch applying.
 */

/** The error names the local endpoint answers with. */
export type SfnErrorName =
  | 'StateMachineDoesNotExist'
  | 'ExecutionDoesNotExist'
  | 'ExecutionAlreadyExists'
  | 'InvalidName'
  | 'InvalidToken'
  | 'TaskDoesNotExist'
  | 'TaskTimedOut'
  | 'InvalidArn'
  | 'ResourceNotFound'
  | 'TooManyTags'
  | 'InvalidExecutionInput'
  | 'InvalidOutput'
  | 'ValidationException'
  | 'UnknownOperationException'
  | 'SerializationException'
  | 'ServiceUnavailable';

/** An error of the Step Functions API: answered as HTTP 400 with `__type` set to its name. */
export class SfnServiceError extends Error {
  override readonly name: SfnErrorName;

  constructor(name: SfnErrorName, message: string) {
    super(message);
    this.name = name;
  }
}

/**
 * An error that fails the execution outright: `aws-local-stepfunctions` reads `isRetryable` and
 * `isCatchable` off the error (defaulting to true), so setting both to false makes the state fail
 * past its Retry and Catch fields, as a `States.Runtime` error does on AWS.
 */
export function uncatchableError(message: string, name = 'States.Runtime'): Error {
  const error = new Error(message);
  error.name = name;
  Object.defineProperties(error, {
    isRetryable: { value: false, enumerable: false },
    isCatchable: { value: false, enumerable: false },
  });
  return error;
}
