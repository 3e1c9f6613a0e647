import { describe, expect, it } from 'vitest';
import { SfnServiceError } from '#local/step-functions/errors.ts';
import { handleSfnRequest, type SfnBackend } from '#local/step-functions/sfn-protocol.ts';

/** A backend that answers every operation with what it was given, or fails as told. */
function echoBackend(fail?: Error): SfnBackend {
  const answer = async (request: object) => {
    if (fail) throw fail;
    return { received: request };
  };
  return {
    ListStateMachines: answer,
    DescribeStateMachine: answer,
    StartExecution: answer,
    DescribeExecution: answer,
    ListExecutions: answer,
    GetExecutionHistory: answer,
    SendTaskSuccess: answer,
    SendTaskFailure: answer,
    SendTaskHeartbeat: answer,
    StopExecution: answer,
    DescribeStateMachineForExecution: answer,
    ListTagsForResource: answer,
    TagResource: answer,
    UntagResource: answer,
    ValidateStateMachineDefinition: answer,
  };
}

const ARN = 'arn:aws:states:us-east-1:000000000000:stateMachine:m';

describe('the Step Functions JSON protocol', () => {
  it('dispatches on X-Amz-Target and answers 200 with the JSON result', async () => {
    const response = await handleSfnRequest(echoBackend(), 'AWSStepFunctions.StartExecution', JSON.stringify({ stateMachineArn: ARN, extra: 1 }));

    expect(response.statusCode).toBe(200);
    expect(response.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(JSON.parse(response.body)).toEqual({ received: { stateMachineArn: ARN } });
  });

  it('answers an unknown operation with UnknownOperationException', async () => {
    const response = await handleSfnRequest(echoBackend(), 'AWSStepFunctions.CreateActivity', '{}');

    expect(response.statusCode).toBe(400);
    expect(response.headers['x-amzn-errortype']).toBe('UnknownOperationException');
    expect(JSON.parse(response.body)).toMatchObject({ __type: 'UnknownOperationException' });
  });

  it('answers a body that is not JSON with SerializationException', async () => {
    const response = await handleSfnRequest(echoBackend(), 'AWSStepFunctions.DescribeExecution', '{oops');

    expect(JSON.parse(response.body)).toMatchObject({ __type: 'SerializationException' });
  });

  it('answers a body missing a required member with ValidationException naming it', async () => {
    const response = await handleSfnRequest(echoBackend(), 'AWSStepFunctions.SendTaskSuccess', JSON.stringify({ output: '{}' }));

    expect(response.statusCode).toBe(400);
    const body = JSON.parse(response.body) as { __type: string; message: string };
    expect(body.__type).toBe('ValidationException');
    expect(body.message).toContain("'taskToken'");
  });

  it('answers a service error with its name as __type and x-amzn-ErrorType', async () => {
    const response = await handleSfnRequest(
      echoBackend(new SfnServiceError('TaskDoesNotExist', 'gone')),
      'AWSStepFunctions.SendTaskHeartbeat',
      JSON.stringify({ taskToken: 't' }),
    );

    expect(response.statusCode).toBe(400);
    expect(response.headers['x-amzn-errortype']).toBe('TaskDoesNotExist');
    expect(JSON.parse(response.body)).toEqual({ __type: 'TaskDoesNotExist', message: 'gone' });
  });

  it('answers an unexpected failure with 500 InternalFailure, without its details', async () => {
    const response = await handleSfnRequest(
      echoBackend(new Error('secret detail')),
      'AWSStepFunctions.ListStateMachines',
      '',
    );

    expect(response.statusCode).toBe(500);
    expect(response.body).not.toContain('secret detail');
  });
});
