import { describe, expect, it } from 'vitest';
import { safeReturnPath } from '#services/sign-in-service.ts';

describe('safeReturnPath', () => {
  it.each([
    ['/proposals/7f1c?scope=mine', '/proposals/7f1c?scope=mine'],
    ['/', '/'],
  ])('keeps a path of this app: %s', (candidate, expected) => {
    expect(safeReturnPath(candidate)).toBe(expected);
  });

  it.each([
    ['https://evil.example/'],
    ['//evil.example/'],
    ['/\\evil.example/'],
    ['/proposals\r\nSet-Cookie: x=1'],
    ['/auth/logout'],
    ['javascript:alert(1)'],
    [''],
    [`/${'a'.repeat(2000)}`],
  ])('goes home instead of to %j', (candidate) => {
    expect(safeReturnPath(candidate)).toBe('/');
  });
});
