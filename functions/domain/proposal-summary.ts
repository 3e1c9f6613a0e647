import { formatDate, formatMoney } from './format.ts';
import type { Proposal } from './proposal.ts';
import { proposalSubject } from './proposal-audit.ts';
import { CRITERION_LABELS } from './scoring.ts';
import type { SubjectTable, SubjectView } from './subject.ts';

/** The score breakdown as a table, so anyone can redo the total by hand. */
function scoreTable(score: NonNullable<Proposal['score']>): SubjectTable {
  return {
    caption: 'Score breakdown',
    columns: [{ label: 'Criterion' }, { label: 'Rating', numeric: true }, { label: 'Weight', numeric: true }, { label: 'Points', numeric: true }],
    rows: score.breakdown.map((line) => [CRITERION_LABELS[line.criterion], `${line.rating} / 5`, String(line.weight), String(line.points)]),
    footer: [`Total (rubric ${score.rubricVersion})`, '', '', `${score.total} / 100`],
    text: [
      'Score breakdown:',
      ...score.breakdown.map((line) => `  ${CRITERION_LABELS[line.criterion]}: ${line.rating}/5 × weight ${line.weight} → ${line.points} points`),
    ],
  };
}

/** What approvers and the submitter see of a proposal in emails and on approval pages. */
export function proposalSummary(proposal: Proposal): SubjectView {
  return {
    subject: proposalSubject(proposal.id),
    noun: 'proposal',
    title: proposal.title,
    submitter: proposal.submitter,
    facts: [
      { label: 'Submitted by', value: `${proposal.submitter.name} (${proposal.submitter.email}), ${proposal.department}` },
      { label: 'Estimated cost', value: formatMoney(proposal.estimatedCost) },
      { label: 'Dates', value: `${formatDate(proposal.startDate)} to ${formatDate(proposal.endDate)}` },
      ...(proposal.score ? [{ label: 'Score', value: `${proposal.score.total}/100 (rubric ${proposal.score.rubricVersion})` }] : []),
    ],
    headline: formatMoney(proposal.estimatedCost),
    description: proposal.description,
    ...(proposal.score ? { table: scoreTable(proposal.score) } : {}),
    pagePath: `/proposals/${encodeURIComponent(proposal.id)}`,
  };
}
