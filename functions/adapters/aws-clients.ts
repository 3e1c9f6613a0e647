import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SESv2Client } from '@aws-sdk/client-sesv2';
import { SFNClient } from '@aws-sdk/client-sfn';

// Created once per execution environment and reused across invocations. Endpoints come from the
// standard AWS_ENDPOINT_URL_<SERVICE> variables, which is how the local stack points them at its
// stand-ins; nothing here knows which runtime it is in.

/** DynamoDB document client: plain JavaScript values in and out. */
export const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}), {
  marshallOptions: { removeUndefinedValues: true },
});

/** SES v2, for every email the product sends. */
export const sesClient = new SESv2Client({});

/** Step Functions, for starting workflows and resuming their callback tasks. */
export const sfnClient = new SFNClient({});
