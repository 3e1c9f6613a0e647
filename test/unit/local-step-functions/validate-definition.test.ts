import { describe, expect, it } from 'vitest';
import { validateDefinition } from '#local/step-functions/validate-definition.ts';

const valid = { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } };

describe('validating a state machine definition', () => {
  it('answers OK without diagnostics for a valid definition', () => {
    expect(validateDefinition(JSON.stringify(valid))).toEqual({ result: 'OK', diagnostics: [], truncated: false });
  });

  it('answers FAIL with INVALID_JSON_DESCRIPTION for a text that is not JSON', () => {
    const validation = validateDefinition('{"StartAt": ');

    expect(validation.result).toBe('FAIL');
    expect(validation.diagnostics).toEqual([expect.objectContaining({ severity: 'ERROR', code: 'INVALID_JSON_DESCRIPTION' })]);
  });

  it('names a transition to a missing state', () => {
    const definition = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'Nowhere' } } };

    const validation = validateDefinition(JSON.stringify(definition));

    expect(validation.result).toBe('FAIL');
    expect(validation.diagnostics).toContainEqual(expect.objectContaining({ code: 'MISSING_TRANSITION_TARGET', message: expect.stringContaining('Nowhere') }));
  });

  it('locates a schema error by its path in the definition', () => {
    const definition = { StartAt: 'A', States: { A: { Type: 'Wait', End: true } } };

    const validation = validateDefinition(JSON.stringify(definition));

    expect(validation.result).toBe('FAIL');
    expect(validation.diagnostics.map((diagnostic) => diagnostic.code)).toContain('WAIT_DURATION');
  });

  it('returns at most maxResults diagnostics and says it cut the list', () => {
    const definition = { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'X' }, B: { Type: 'Pass', Next: 'Y' }, C: { Type: 'Pass', End: true } } };

    const validation = validateDefinition(JSON.stringify(definition), { maxResults: 1 });

    expect(validation.diagnostics).toHaveLength(1);
    expect(validation.truncated).toBe(true);
  });
});
