import { describe, expect, it } from 'vitest';
import { DEFAULT_RUBRIC, scoreCriteria, type Rubric } from '#domain/scoring.ts';

const NOW = new Date('2026-11-23T10:00:00Z');

describe('scoreCriteria', () => {
  it('gives 100 to the best possible ratings (risk 1 counts as best)', () => {
    const score = scoreCriteria({ strategicAlignment: 5, businessValue: 5, urgency: 5, risk: 1 }, DEFAULT_RUBRIC, NOW);

    expect(score.total).toBe(100);
  });

  it('gives 0 to the worst possible ratings', () => {
    const score = scoreCriteria({ strategicAlignment: 1, businessValue: 1, urgency: 1, risk: 5 }, DEFAULT_RUBRIC, NOW);

    expect(score.total).toBe(0);
  });

  it('computes each criterion as weight × (effective rating − 1) / 4, reproducible by hand', () => {
    const score = scoreCriteria({ strategicAlignment: 4, businessValue: 3, urgency: 2, risk: 4 }, DEFAULT_RUBRIC, NOW);

    // 35×3/4 = 26.25; 30×2/4 = 15; 20×1/4 = 5; risk 4 → effective 2 → 15×1/4 = 3.75
    expect(score.breakdown).toEqual([
      { criterion: 'strategicAlignment', rating: 4, effectiveRating: 4, weight: 35, points: 26.25 },
      { criterion: 'businessValue', rating: 3, effectiveRating: 3, weight: 30, points: 15 },
      { criterion: 'urgency', rating: 2, effectiveRating: 2, weight: 20, points: 5 },
      { criterion: 'risk', rating: 4, effectiveRating: 2, weight: 15, points: 3.75 },
    ]);
    expect(score.total).toBe(50);
  });

  it('stores the rubric version and the time of scoring with the score', () => {
    const score = scoreCriteria({ strategicAlignment: 3, businessValue: 3, urgency: 3, risk: 3 }, DEFAULT_RUBRIC, NOW);

    expect(score.rubricVersion).toBe(DEFAULT_RUBRIC.version);
    expect(score.scoredAt).toBe('2026-11-23T10:00:00.000Z');
  });

  it('refuses a rubric whose weights do not sum to 100', () => {
    const broken: Rubric = { ...DEFAULT_RUBRIC, weights: { ...DEFAULT_RUBRIC.weights, risk: 20 } };

    expect(() => scoreCriteria({ strategicAlignment: 3, businessValue: 3, urgency: 3, risk: 3 }, broken, NOW)).toThrow(/sum to 105/);
  });
});
