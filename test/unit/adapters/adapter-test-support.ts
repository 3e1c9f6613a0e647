import { afterEach, beforeEach, vi } from 'vitest';
import {
  ConditionalCheckFailedException,
  ProvisionedThroughputExceededException,
  ThrottlingException,
} from '@aws-sdk/client-dynamodb';

/** The table name the adapters read from TABLE_NAME in these tests. */
export const TABLE_NAME = 'pmo-unit-test';

/** The sender the adapters read from EMAIL_FROM in these tests. */
export const EMAIL_FROM = 'PMO Pipeline <pmo@example.org>';

/**
 * Sets the environment variables the adapters read (through `environment`, at each call) before
 * every test of the calling file, and restores the real environment after it.
 */
export function useAdapterEnvironment(): void {
  beforeEach(() => {
    vi.stubEnv('TABLE_NAME', TABLE_NAME);
    vi.stubEnv('EMAIL_FROM', EMAIL_FROM);
    vi.stubEnv('EMAIL_CONFIGURATION_SET', '');
  });
  afterEach(() => {
    vi.unstubAllEnvs();
  });
}

const metadata = { httpStatusCode: 400, requestId: 'unit-test' };

/** DynamoDB's answer to a failed ConditionExpression, as the SDK raises it. */
export function conditionFailure(): ConditionalCheckFailedException {
  return new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: metadata });
}

/**
 * The throttling errors DynamoDB raises once the SDK's own retries are spent. Repositories must let
 * them through unchanged (the SDK's retry strategy is what handles throttling, and a caller such as
 * a Step Functions task retries on the error's name), so tests check identity, not just a message.
 */
export const dynamoDbThrottlingErrors = [
  {
    name: 'ProvisionedThroughputExceededException',
    create: (): Error =>
      new ProvisionedThroughputExceededException({
        message: 'The level of configured provisioned throughput for the table was exceeded',
        $metadata: metadata,
      }),
  },
  {
    name: 'ThrottlingException',
    create: (): Error => new ThrottlingException({ message: 'Throughput exceeds the current capacity', $metadata: metadata }),
  },
] as const;
