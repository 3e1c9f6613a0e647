import * as z from 'zod';

// One run of a report definition, and what happened to each recipient's copy.

/** How a run ended: every copy sent (or left out by the exception-only rule), some failed, or all failed. */
export const REPORT_RUN_STATUSES = ['RUNNING', 'SENT', 'PARTIAL', 'FAILED'] as const;
export type ReportRunStatus = (typeof REPORT_RUN_STATUSES)[number];

/** A run's status in words. */
export const REPORT_RUN_STATUS_LABELS: Readonly<Record<ReportRunStatus, string>> = {
  RUNNING: 'Running',
  SENT: 'Sent',
  PARTIAL: 'Sent, with failures',
  FAILED: 'Failed',
};

/** One recipient's copy: sent (with SES's message id), left out (nothing needed attention), or failed. */
export const ReportDeliverySchema = z.object({
  email: z.string().min(1),
  name: z.string().min(1),
  status: z.enum(['SENT', 'SKIPPED', 'FAILED']),
  /** SES's id of the message, once sent. */
  messageId: z.string().optional(),
  /** Where the copy is archived (the HTML, beside it its CSV files), once rendered. */
  archiveKey: z.string().optional(),
  /** Why it was left out, or why it failed, in words. */
  note: z.string().max(1000).optional(),
  attempts: z.number().int().min(1),
  at: z.iso.datetime(),
});
export type ReportDelivery = z.infer<typeof ReportDeliverySchema>;

/** A run as recorded: which definition, for which scheduled instant and period, and how it went. */
export const ReportRunSchema = z.object({
  reportId: z.string(),
  /** The execution name: `report-<id>-at-<minute>Z`, so runs of a definition sort by their scheduled time. */
  runId: z.string(),
  name: z.string(),
  scheduledFor: z.iso.datetime(),
  periodFrom: z.iso.datetime(),
  periodUntil: z.iso.datetime(),
  periodLabel: z.string(),
  /** Who asked for it by hand ("Send now"); absent for a scheduled run. */
  requestedBy: z.string().optional(),
  status: z.enum(REPORT_RUN_STATUSES),
  recipients: z.number().int().min(0),
  sent: z.number().int().min(0).default(0),
  skipped: z.number().int().min(0).default(0),
  failed: z.number().int().min(0).default(0),
  startedAt: z.iso.datetime(),
  finishedAt: z.iso.datetime().optional(),
});
export type ReportRun = z.infer<typeof ReportRunSchema>;

/** The status a run ends with, from its copies. */
export function runStatusOf(deliveries: readonly Pick<ReportDelivery, 'status'>[]): Exclude<ReportRunStatus, 'RUNNING'> {
  const failed = deliveries.filter((delivery) => delivery.status === 'FAILED').length;
  if (failed === 0) return 'SENT';
  return failed === deliveries.length ? 'FAILED' : 'PARTIAL';
}
