import { levelsFor, type ApprovalPolicy, type PolicyLevel } from '#domain/approval-policy.ts';
import { tallyLevel } from '#domain/approval.ts';
import { reviewAudit } from '#domain/audit.ts';
import { PermanentError } from '#domain/errors.ts';
import type { ReviewPlan, SubjectRef } from '#domain/subject.ts';
import { auditRepository } from '#adapters/audit-repository.ts';
import { reviewRepository } from '#adapters/review-repository.ts';
import type { AdvanceReviewInput, LevelAssignee, ReviewProgress } from '#workflows/contracts.ts';
import { assigneeFor, peopleFor } from './assignees.ts';
import { assertCurrentExecution, loadSubject, type ReviewSubject, type SubjectRegistration } from './subject-registry.ts';

const HOUR_MS = 3600 * 1000;

/** The most approvers one level may ask: the approvers Map runs them all at once. */
export const MAX_APPROVERS_PER_LEVEL = 40;

/** Plans one level's requests: who is asked (never the submitter), by when, and what escalates. */
async function levelRequest(subject: ReviewSubject, plan: ReviewPlan, policyLevel: PolicyLevel, policy: ApprovalPolicy, now: Date): Promise<ReviewProgress> {
  const submitter = subject.view.submitter;
  // Nobody approves their own request: the submitter is left out, and a level that only they could
  // approve goes to the level's escalation target instead.
  const eligible = async (specs: PolicyLevel['approvers']) => {
    const people = (await Promise.all(specs.map((spec) => peopleFor(spec, subject.view.subject)))).flat().filter((person) => person.email !== submitter.email);
    return [...new Map(people.map((person) => [person.email, person])).values()];
  };
  let unique = await eligible(policyLevel.approvers);
  if (unique.length === 0 && policyLevel.escalateTo) unique = await eligible([policyLevel.escalateTo]);
  const ref = subject.view.subject;
  if (unique.length === 0) {
    throw new PermanentError(`Nobody in the directory but the submitter can approve level ${policyLevel.level} (${policyLevel.name}) of ${ref.type} ${ref.id}`);
  }
  if (unique.length > MAX_APPROVERS_PER_LEVEL) {
    throw new PermanentError(`Level ${policyLevel.level} (${policyLevel.name}) names ${unique.length} approvers; at most ${MAX_APPROVERS_PER_LEVEL} are asked at once`);
  }
  const assignees: LevelAssignee[] = await Promise.all(unique.map(async (person, slot) => ({ slot, ...(await assigneeFor(person, now, submitter)) })));
  const timeoutMs = policyLevel.timeoutHours * HOUR_MS;
  const escalateMs = policy.escalateAfterHours * HOUR_MS;
  return {
    done: false,
    level: policyLevel.level,
    nextLevel: {
      request: {
        level: policyLevel.level,
        levelName: policyLevel.name,
        levelCount: plan.levels.length,
        position: plan.levels.findIndex((planned) => planned.level === policyLevel.level) + 1,
        quorum: policyLevel.quorum,
        slotCount: assignees.length,
        timeoutSeconds: timeoutMs / 1000,
        reminderAfterSeconds: Math.min(policy.reminderAfterHours * HOUR_MS, timeoutMs) / 1000,
        ...(policyLevel.escalateTo && escalateMs < timeoutMs ? { escalateAfterSeconds: escalateMs / 1000, escalateTo: policyLevel.escalateTo } : {}),
        ...(plan.attention ? { attention: plan.attention } : {}),
      },
      assignees,
    },
  };
}

/** The policy's level for a planned level; a policy that lost it since cannot go on. */
function policyLevelOf(policy: ApprovalPolicy, level: number): PolicyLevel {
  const found = policy.levels.find((candidate) => candidate.level === level);
  if (!found) throw new PermanentError(`The approval policy no longer has level ${level}`);
  return found;
}

/**
 * Plans the review when it starts: which levels apply, and whether approvers must be warned. A
 * replayed execution finds its plan stored and keeps it, so decisions already recorded count for
 * the levels they were made for.
 */
async function startReview(ref: SubjectRef, registration: SubjectRegistration, subject: ReviewSubject, executionName: string, now: Date): Promise<ReviewProgress> {
  const policy = registration.policy;
  const levels = levelsFor(subject.amount, policy, subject.conditions);
  // A process decides on its own what no level applies to (an auto-approved invoice) and never
  // starts a review for it; one that does has a bug a retry cannot fix.
  if (levels.length === 0) throw new PermanentError(`No level of the ${ref.type} policy ${policy.version} applies to ${ref.type} ${ref.id}`);
  const attention = subject.attention;
  const { plan } = await reviewRepository.createOnce({
    subject: ref,
    executionName,
    policyVersion: policy.version,
    ...(attention ? { attention } : {}),
    levels: levels.map((level) => ({ level: level.level, name: level.name, quorum: level.quorum })),
    currentLevel: levels[0]!.level,
    startedAt: now.toISOString(),
    state: 'open',
  });
  const answer = await registration.onProgress(subject, plan, now);
  if (answer === 'withdrawn') return { done: true, level: 0, decision: { decision: 'withdrawn' } };
  if (answer === 'closed') throw new PermanentError(`${ref.type} ${ref.id} can no longer be reviewed`);
  await auditRepository.append(reviewAudit.planned(ref, plan, now.toISOString()));
  await registration.onStarted?.(subject, plan, now);
  return levelRequest(subject, plan, policyLevelOf(policy, plan.currentLevel), policy, now);
}

/**
 * One step of the review loop a workflow runs, for any subject type. With `completedLevel` 0 it
 * plans the review and returns the first level to ask; otherwise it tallies that level's results
 * by its quorum and returns the next level, or the final outcome. Deterministic for the same
 * input, so a retried or replayed step takes the same path. Only the subject's current execution
 * may advance it.
 */
export async function advanceReview(input: AdvanceReviewInput, now: Date): Promise<ReviewProgress> {
  const { registration, subject } = await loadSubject(input.subject);
  if (subject.state === 'withdrawn') return { done: true, level: input.completedLevel, decision: { decision: 'withdrawn' } };
  assertCurrentExecution(input.subject, subject, input.executionName);
  if (input.completedLevel === 0) return startReview(input.subject, registration, subject, input.executionName, now);

  const plan = await reviewRepository.get(input.subject, input.executionName);
  const planned = plan?.levels.find((level) => level.level === input.completedLevel);
  if (!plan || !planned) throw new PermanentError(`Level ${input.completedLevel} is not part of the review of ${input.subject.type} ${input.subject.id}`);
  const tally = tallyLevel(planned.quorum, input.results);
  const level = input.completedLevel;
  await auditRepository.append(reviewAudit.levelClosed(input.subject, input.executionName, planned, tally.outcome, now.toISOString()));
  switch (tally.outcome) {
    case 'withdrawn':
      return { done: true, level, decision: { decision: 'withdrawn' } };
    case 'expired':
      return { done: true, level, decision: { decision: 'expired', level } };
    case 'rejected':
      return { done: true, level, decision: { ...tally.decision, level } };
    case 'approved': {
      const next = plan.levels.find((candidate) => candidate.level > level);
      if (!next) return { done: true, level, decision: { ...tally.decisions.at(-1)!, level } };
      const policyLevel = policyLevelOf(registration.policy, next.level);
      await reviewRepository.advanceTo(input.subject, input.executionName, next.level);
      const advanced = { ...plan, currentLevel: next.level };
      const answer = await registration.onProgress(subject, advanced, now);
      if (answer === 'withdrawn') return { done: true, level, decision: { decision: 'withdrawn' } };
      if (answer === 'closed') throw new PermanentError(`${input.subject.type} ${input.subject.id} can no longer be reviewed`);
      return levelRequest(subject, advanced, policyLevel, registration.policy, now);
    }
  }
}
