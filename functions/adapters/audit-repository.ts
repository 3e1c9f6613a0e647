import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { AuditEventSchema, chronological, type AuditEvent } from '#domain/audit.ts';
import type { SubjectRef } from '#domain/subject.ts';
import { documentClient, queryAll } from './dynamodb-client.ts';
import { environment } from './environment.ts';
import { isConditionFailure, keys, withoutKeys } from './table-keys.ts';

/** The audit trail: append-only, one item per logical event, stored with its subject. */
export const auditRepository = {
  /** Appends an event once: a replayed step writing the same `eventId` changes nothing. */
  async append(event: AuditEvent): Promise<void> {
    try {
      await documentClient.send(
        new PutCommand({
          TableName: environment.tableName,
          Item: { ...keys.auditEvent(event.subject, event.eventId), kind: 'audit', ...event },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
  },

  /** A subject's events in time order. */
  async listForSubject(subject: SubjectRef): Promise<AuditEvent[]> {
    const trail = keys.auditTrail(subject);
    const items = await queryAll({
      TableName: environment.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': trail.pk, ':prefix': trail.skPrefix },
    });
    return chronological(items.map((item) => AuditEventSchema.parse(withoutKeys(item))));
  },
};
