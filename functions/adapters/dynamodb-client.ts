import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, paginateQuery, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { tracer } from './observability.ts';

// One client per execution environment, reused across invocations. Each service's client has its
// own module so that a function bundles only the clients it uses. Endpoints come from the standard
// AWS_ENDPOINT_URL_<SERVICE> variables (how the local stack points them at its stand-ins). On Lambda
// every call is a subsegment of the invocation's trace; elsewhere the tracer leaves the client as is.

/** DynamoDB document client: plain JavaScript values in and out. */
export const documentClient = DynamoDBDocumentClient.from(tracer.captureAWSv3Client(new DynamoDBClient({})), {
  marshallOptions: { removeUndefinedValues: true },
});

/** Every item a query matches, across all its pages. */
export async function queryAll(input: Omit<QueryCommandInput, 'ExclusiveStartKey'>): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  // A copy: the paginator writes ExclusiveStartKey into its input, which would leak into a reused one.
  for await (const page of paginateQuery({ client: documentClient }, { ...input })) items.push(...(page.Items ?? []));
  return items;
}
