import type { Criteria, CriterionName, ProposalScore, ScoreLine } from './proposal.ts';

/** Weights of the criteria (summing to 100) and which ones count against a proposal. */
export interface Rubric {
  readonly version: string;
  readonly weights: Readonly<Record<CriterionName, number>>;
  /** Criteria where a high rating is bad: their rating is inverted (6 − rating) before weighting. */
  readonly inverted: readonly CriterionName[];
}

/** The PMO's default rubric: strategic fit first, then value, urgency and (inverted) risk. */
export const DEFAULT_RUBRIC: Rubric = {
  version: '2026-11-v1',
  weights: { strategicAlignment: 35, businessValue: 30, urgency: 20, risk: 15 },
  inverted: ['risk'],
};

const CRITERIA_ORDER: readonly CriterionName[] = ['strategicAlignment', 'businessValue', 'urgency', 'risk'];

function roundTo(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

/**
 * Scores ratings against a rubric on an absolute 0–100 scale. Each criterion earns
 * `weight × (effectiveRating − 1) / 4` points, so a 1 earns nothing and a 5 the full weight;
 * the total is the sum, to one decimal. Anyone can redo it by hand from the breakdown.
 */
export function scoreCriteria(criteria: Criteria, rubric: Rubric, now: Date): ProposalScore {
  const weightSum = CRITERIA_ORDER.reduce((sum, criterion) => sum + rubric.weights[criterion], 0);
  if (weightSum !== 100) throw new Error(`Rubric ${rubric.version} weights sum to ${weightSum}, not 100`);
  const breakdown: ScoreLine[] = CRITERIA_ORDER.map((criterion) => {
    const rating = criteria[criterion];
    const effectiveRating = rubric.inverted.includes(criterion) ? 6 - rating : rating;
    const weight = rubric.weights[criterion];
    return { criterion, rating, effectiveRating, weight, points: roundTo((weight * (effectiveRating - 1)) / 4, 2) };
  });
  const total = roundTo(
    breakdown.reduce((sum, line) => sum + line.points, 0),
    1,
  );
  return { total, rubricVersion: rubric.version, breakdown, scoredAt: now.toISOString() };
}

/** Human names of the criteria, for pages and emails. */
export const CRITERION_LABELS: Readonly<Record<CriterionName, string>> = {
  strategicAlignment: 'Strategic alignment',
  businessValue: 'Business value',
  urgency: 'Urgency',
  risk: 'Risk (inverted)',
};
