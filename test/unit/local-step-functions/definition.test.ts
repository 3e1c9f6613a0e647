import { describe, expect, it } from 'vitest';
import {
  collectMapStates,
  mapItemCount,
  clampTimeouts,
  classifyResource,
  collectTaskStates,
  MAX_TIMER_SECONDS,
  readPath,
  taskTimeoutMs,
} from '#local/step-functions/definition.ts';

const FN = 'arn:aws:lambda:us-east-1:000000000000:function:score';

const nested = {
  StartAt: 'Top',
  States: {
    Top: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Next: 'Fan' },
    Fan: {
      Type: 'Parallel',
      Branches: [{ StartAt: 'InBranch', States: { InBranch: { Type: 'Task', Resource: FN, End: true } } }],
      Next: 'Each',
    },
    Each: {
      Type: 'Map',
      ItemProcessor: {
        StartAt: 'InMap',
        States: {
          InMap: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke.waitForTaskToken', TimeoutSeconds: 9_999_999, End: true },
        },
      },
      End: true,
    },
  },
};

describe('finding Task states', () => {
  it('finds Task states at the top level, in Parallel branches and in Map item processors', () => {
    expect([...collectTaskStates(nested).keys()].sort()).toEqual(['InBranch', 'InMap', 'Top']);
  });

  it('refuses two Task states of the same name, since overrides are keyed by name', () => {
    const twice = {
      StartAt: 'A',
      States: {
        A: { Type: 'Parallel', Branches: [{ StartAt: 'A', States: { A: { Type: 'Task', Resource: FN, End: true } } }], End: true },
        B: { Type: 'Map', Iterator: { StartAt: 'T', States: { T: { Type: 'Task', Resource: FN, End: true } } }, End: true },
        T: { Type: 'Task', Resource: FN, End: true },
      },
    };

    expect(() => collectTaskStates(twice)).toThrow(/"T" is used twice/);
  });
});

describe('classifying resources', () => {
  it.each([
    ['arn:aws:states:::lambda:invoke', 'lambdaInvoke'],
    ['arn:aws:states:::lambda:invoke.waitForTaskToken', 'lambdaCallback'],
    [FN, 'lambdaFunction'],
    [`${FN}:live`, 'lambdaFunction'],
    ['arn:aws:states:::sqs:sendMessage', 'unsupported'],
    ['arn:aws:states:::lambda:invoke.sync', 'unsupported'],
  ])('%s is %s', (resource, kind) => {
    expect(classifyResource(resource).kind).toBe(kind);
  });
});

describe('timeouts', () => {
  it('clamps TimeoutSeconds longer than a Node timer can wait, without touching the original', () => {
    const clamped: string[] = [];

    const copy = clampTimeouts({ ...nested, TimeoutSeconds: 10 ** 9 }, (where) => clamped.push(where));

    expect(clamped).toEqual(['(state machine)', 'InMap']);
    expect(copy.TimeoutSeconds).toBe(MAX_TIMER_SECONDS);
    expect(collectTaskStates(copy).get('InMap')?.timeoutSeconds).toBe(MAX_TIMER_SECONDS);
    expect(collectTaskStates(nested).get('InMap')?.timeoutSeconds).toBe(9_999_999);
  });

  it('computes a task timeout as the interpreter does: TimeoutSeconds, else TimeoutSecondsPath on the effective input, else 60 s', () => {
    const base = { name: 'T', resource: FN, integration: classifyResource(FN) };
    const input = { Payload: { seconds: 7 } };

    expect(taskTimeoutMs({ ...base, timeoutSeconds: 3, timeoutSecondsPath: undefined }, input, {})).toBe(3000);
    expect(taskTimeoutMs({ ...base, timeoutSeconds: undefined, timeoutSecondsPath: '$.Payload.seconds' }, input, {})).toBe(7000);
    expect(taskTimeoutMs({ ...base, timeoutSeconds: undefined, timeoutSecondsPath: '$$.Limits.s' }, input, { Limits: { s: 5 } })).toBe(5000);
    expect(taskTimeoutMs({ ...base, timeoutSeconds: undefined, timeoutSecondsPath: undefined }, input, {})).toBe(60_000);
  });

  it('reads simple reference paths', () => {
    const document = { a: { 'b c': [10, { d: 4 }] } };

    expect(readPath('$', document)).toBe(document);
    expect(readPath("$.a['b c'][1].d", document)).toBe(4);
    expect(readPath('$.a.missing', document)).toBeUndefined();
  });
});

describe('Map states', () => {
  const definition = {
    StartAt: 'Outer',
    States: {
      Outer: {
        Type: 'Map',
        InputPath: '$.review',
        ItemsPath: '$.assignees',
        ItemProcessor: { StartAt: 'Inner', States: { Inner: { Type: 'Map', ItemProcessor: { StartAt: 'Done', States: { Done: { Type: 'Succeed' } } }, End: true } } },
        End: true,
      },
    },
  };

  it('are found at every depth, with where they read their items', () => {
    const maps = collectMapStates(definition);

    expect(maps.get('Outer')).toEqual({ inputPath: '$.review', itemsPath: '$.assignees' });
    expect(maps.get('Inner')).toEqual({ inputPath: undefined, itemsPath: undefined });
  });

  it('count their items after InputPath and ItemsPath, as the interpreter finds them', () => {
    const outer = collectMapStates(definition).get('Outer')!;

    expect(mapItemCount(outer, { review: { assignees: [1, 2, 3] } })).toBe(3);
    expect(mapItemCount(outer, { review: { assignees: 'none' } })).toBeUndefined();
    expect(mapItemCount({ inputPath: undefined, itemsPath: undefined }, ['a', 'b'])).toBe(2);
  });
});
