import { levelsFor, type ApprovalPolicy, type PolicyLevel } from '#domain/approval-policy.ts';
import { tallyLevel, type ApprovalDecision, type ApprovalResult } from '#domain/approval.ts';
import { SYSTEM_ACTOR } from '#domain/audit.ts';
import { submissionReceivedEmail } from '#domain/emails.tsx';
import { PermanentError } from '#domain/errors.ts';
import { createLinkSecret } from '#domain/link-secret.ts';
import type { Proposal, ProposalReview } from '#domain/proposal.ts';
import { approvalPolicy } from '#adapters/approval-policy-source.ts';
import { auditRepository } from '#adapters/audit-repository.ts';
import { sendEmailOnce } from '#adapters/email-sender.ts';
import { proposalRepository } from '#adapters/proposal-repository.ts';
import { assigneeFor, peopleFor, type Assignee } from './assignees.ts';
import { proposalPageUrl, withdrawLink } from './links.ts';

const HOUR_MS = 3600 * 1000;

/** The most approvers one level may ask: the approvers Map runs them all at once. */
export const MAX_APPROVERS_PER_LEVEL = 40;

/** What every approval of a level shares; the workflow hands it to each approver's request. */
export interface LevelRequest {
  readonly level: number;
  readonly levelName: string;
  readonly levelCount: number;
  readonly quorum: 'any' | 'all';
  readonly slotCount: number;
  readonly timeoutSeconds: number;
  readonly reminderAfterSeconds: number;
  readonly escalateAfterSeconds?: number;
  readonly escalateTo?: PolicyLevel['escalateTo'];
  readonly belowThreshold: boolean;
}

/** One approver of a level, by slot. */
export interface LevelAssignee extends Assignee {
  readonly slot: number;
}

/** The workflow's view of the review after a step: the next level to ask, or the final outcome. */
export type ReviewProgress =
  | { readonly done: false; readonly level: number; readonly nextLevel: { readonly request: LevelRequest; readonly assignees: LevelAssignee[] } }
  | { readonly done: true; readonly level: number; readonly decision: ReviewDecision };

/** The outcome the workflow records on the proposal. */
export type ReviewDecision = (ApprovalDecision & { readonly level: number }) | { readonly decision: 'expired'; readonly level: number } | { readonly decision: 'withdrawn' };

async function levelRequest(proposal: Proposal, review: ProposalReview, policyLevel: PolicyLevel, policy: ApprovalPolicy, now: Date): Promise<ReviewProgress> {
  // Nobody approves their own proposal: the submitter is left out, and a level that only they could
  // approve goes to the level's escalation target instead.
  const eligible = async (specs: PolicyLevel['approvers']) => {
    const people = (await Promise.all(specs.map(peopleFor))).flat().filter((person) => person.email !== proposal.submitter.email);
    return [...new Map(people.map((person) => [person.email, person])).values()];
  };
  let unique = await eligible(policyLevel.approvers);
  if (unique.length === 0 && policyLevel.escalateTo) unique = await eligible([policyLevel.escalateTo]);
  if (unique.length === 0) {
    throw new PermanentError(`Nobody in the directory but the submitter can approve level ${policyLevel.level} (${policyLevel.name}) of proposal ${proposal.id}`);
  }
  if (unique.length > MAX_APPROVERS_PER_LEVEL) {
    throw new PermanentError(`Level ${policyLevel.level} (${policyLevel.name}) names ${unique.length} approvers; at most ${MAX_APPROVERS_PER_LEVEL} are asked at once`);
  }
  const assignees = await Promise.all(unique.map(async (person, slot) => ({ slot, ...(await assigneeFor(person, now, proposal.submitter)) })));
  const timeoutMs = policyLevel.timeoutHours * HOUR_MS;
  const escalateMs = policy.escalateAfterHours * HOUR_MS;
  return {
    done: false,
    level: policyLevel.level,
    nextLevel: {
      request: {
        level: policyLevel.level,
        levelName: policyLevel.name,
        levelCount: review.levels.length,
        quorum: policyLevel.quorum,
        slotCount: assignees.length,
        timeoutSeconds: timeoutMs / 1000,
        reminderAfterSeconds: Math.min(policy.reminderAfterHours * HOUR_MS, timeoutMs) / 1000,
        ...(policyLevel.escalateTo && escalateMs < timeoutMs ? { escalateAfterSeconds: escalateMs / 1000, escalateTo: policyLevel.escalateTo } : {}),
        belowThreshold: review.belowThreshold,
      },
      assignees,
    },
  };
}

/**
 * Plans the review when it starts: which levels apply, and whether the score is below the floor.
 * A replayed execution finds its plan stored and keeps it, so decisions already recorded count for
 * the levels they were made for.
 */
async function startReview(proposal: Proposal, executionName: string, now: Date): Promise<ReviewProgress> {
  const policy = approvalPolicy;
  const stored = proposal.review;
  const replayed = stored?.executionName === executionName && stored.policyVersion === policy.version;
  const levels = replayed ? stored.levels.map((planned) => policy.levels.find((level) => level.level === planned.level)!) : levelsFor(proposal.estimatedCost, policy);
  const review: ProposalReview = replayed
    ? stored
    : {
        executionName,
        policyVersion: policy.version,
        belowThreshold: (proposal.score?.total ?? 0) < policy.scoreFloor,
        levels: levels.map((level) => ({ level: level.level, name: level.name, quorum: level.quorum })),
        currentLevel: levels[0]!.level,
      };
  if (!replayed && !(await proposalRepository.saveReview(proposal, review, now))) {
    const current = await proposalRepository.get(proposal.id);
    if (current?.status === 'WITHDRAWN') return { done: true, level: 0, decision: { decision: 'withdrawn' } };
    throw new PermanentError(`Proposal ${proposal.id} is ${current?.status ?? 'gone'} and cannot be reviewed`);
  }
  await auditRepository.append({
    subjectId: proposal.id,
    eventId: `review-planned#${executionName}`,
    type: 'review-planned',
    at: now.toISOString(),
    actor: SYSTEM_ACTOR,
    summary: `Routed by policy ${review.policyVersion}: ${review.levels.map((level) => level.name).join(' → ')}${review.belowThreshold ? ' (below the score threshold)' : ''}`,
    details: { policyVersion: review.policyVersion, levels: review.levels, belowThreshold: review.belowThreshold },
  });
  await sendEmailOnce(
    `received#${executionName}`,
    proposal.submitter,
    async () => {
      const { secret, hash } = createLinkSecret();
      await proposalRepository.addSubmitterKey(proposal.id, hash);
      return submissionReceivedEmail({ proposal, proposalUrl: proposalPageUrl(proposal.id), withdrawUrl: withdrawLink(proposal.id, secret) });
    },
    now,
  );
  return levelRequest(proposal, review, levels[0]!, policy, now);
}

/**
 * One step of the review loop the workflow runs. With `completedLevel` 0 it plans the review and
 * returns the first level to ask; otherwise it tallies that level's results by its quorum and
 * returns the next level, or the final outcome. Deterministic for the same input, so a retried
 * or replayed step takes the same path.
 */
export async function advanceReview(
  input: { proposalId: string; executionName: string; completedLevel: number; results: readonly ApprovalResult[] },
  now: Date,
): Promise<ReviewProgress> {
  const proposal = await proposalRepository.get(input.proposalId);
  if (!proposal) throw new PermanentError(`Proposal ${input.proposalId} does not exist`);
  if (proposal.status === 'WITHDRAWN') return { done: true, level: input.completedLevel, decision: { decision: 'withdrawn' } };
  if (input.completedLevel === 0) return startReview(proposal, input.executionName, now);

  const review = proposal.review;
  const planned = review?.levels.find((level) => level.level === input.completedLevel);
  if (!review || !planned) throw new PermanentError(`Level ${input.completedLevel} is not part of the review of proposal ${proposal.id}`);
  const tally = tallyLevel(planned.quorum, input.results);
  const level = input.completedLevel;
  await auditRepository.append({
    subjectId: proposal.id,
    eventId: `level-closed#${input.executionName}#${level}`,
    type: 'level-closed',
    at: now.toISOString(),
    actor: SYSTEM_ACTOR,
    summary: `Level ${level} (${planned.name}): ${tally.outcome}`,
    details: { level, outcome: tally.outcome },
  });
  switch (tally.outcome) {
    case 'withdrawn':
      return { done: true, level, decision: { decision: 'withdrawn' } };
    case 'expired':
      return { done: true, level, decision: { decision: 'expired', level } };
    case 'rejected':
      return { done: true, level, decision: { ...tally.decision, level } };
    case 'approved': {
      const next = review.levels.find((candidate) => candidate.level > level);
      if (!next) return { done: true, level, decision: { ...tally.decisions.at(-1)!, level } };
      const policyLevel = approvalPolicy.levels.find((candidate) => candidate.level === next.level);
      if (!policyLevel) throw new PermanentError(`The approval policy no longer has level ${next.level}`);
      await proposalRepository.saveReview(proposal, { ...review, currentLevel: next.level }, now);
      return levelRequest(proposal, review, policyLevel, approvalPolicy, now);
    }
  }
}
