import { INDEX, keys } from './table-keys.ts';
import { environment } from './environment.ts';
import { queryAll } from './dynamodb-client.ts';

/** Whom a manager manages: read through the by-manager index of the directory. */
export const teamRepository = {
  /** The emails of the people whose line manager is `managerEmail` (active or not). */
  async reportsOf(managerEmail: string): Promise<string[]> {
    const items = await queryAll({
      TableName: environment.tableName,
      IndexName: INDEX.gsi1,
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': keys.peopleByManager(managerEmail) },
      ProjectionExpression: 'email',
    });
    return items.map((item) => String(item.email));
  },
};
