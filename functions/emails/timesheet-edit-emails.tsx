import { TIMESHEET_EDIT_STATUS_LABELS, type TimesheetEdit } from '#domain/timesheet-edit.ts';
import { EmailLayout, ExternalLink, message, oneLine, type EmailMessage } from './layout.tsx';

/** The week's dates in words: "week of 2 November 2026". */
function weekWords(weekStart: string): string {
  return `week of ${new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${weekStart}T00:00:00Z`))}`;
}

/**
 * Tells the person how their late change ended: applied (their week now shows it), or not, with
 * the manager's comment and what they can do next.
 */
export function lateEditOutcomeEmail(input: { readonly edit: TimesheetEdit; readonly weekUrl: string }): EmailMessage {
  const { edit } = input;
  const applied = edit.status === 'APPROVED';
  const subject = oneLine(`Your late timesheet change for the ${weekWords(edit.weekStart)}: ${applied ? 'approved' : TIMESHEET_EDIT_STATUS_LABELS[edit.status].toLowerCase()}`);
  const decider = edit.decision?.by ? `${edit.decision.by.name}${edit.decision.onBehalfOf ? ` (on behalf of ${edit.decision.onBehalfOf.name})` : ''}` : undefined;
  const outcome = applied
    ? `${decider ?? 'Your manager'} approved it, and your week now shows the new hours.`
    : edit.status === 'REJECTED'
      ? `${decider ?? 'Your manager'} rejected it. Your week stays as it was.`
      : edit.status === 'EXPIRED'
        ? 'Nobody decided in time. Your week stays as it was; ask again or talk to your manager.'
        : `It ended without a decision (${TIMESHEET_EDIT_STATUS_LABELS[edit.status].toLowerCase()}). Your week stays as it was.`;
  const comment = edit.decision?.comment;
  const html = (
    <EmailLayout title={subject}>
      <p>Hello {edit.name},</p>
      <p>You asked to change your timesheet for the {weekWords(edit.weekStart)} after it locked, because: “{edit.reason}”.</p>
      <p>{outcome}</p>
      {comment ? <p>Their comment: “{comment}”</p> : null}
      <p>
        <ExternalLink href={input.weekUrl}>Open the week</ExternalLink>
      </p>
    </EmailLayout>
  );
  return message(subject, html, [
    `Hello ${edit.name},`,
    '',
    `You asked to change your timesheet for the ${weekWords(edit.weekStart)} after it locked, because: “${edit.reason}”.`,
    '',
    outcome,
    ...(comment ? ['', `Their comment: “${comment}”`] : []),
    '',
    `Open the week: ${input.weekUrl}`,
  ]);
}
