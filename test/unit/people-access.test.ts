import { describe, expect, it } from 'vitest';
import { OPEN_VIEWER, personViewer } from '#domain/access.ts';
import type { Person } from '#domain/directory.ts';
import { mayReadPerson } from '#services/people-service.ts';

const sam: Person = { email: 'sam@example.org', name: 'Sam Carter', managerEmail: 'elena@example.org', roles: [], active: true };

function viewer(email: string, roles: string[] = []) {
  return personViewer({ email, name: email, roles, active: true });
}

describe('mayReadPerson', () => {
  it('lets a person read their own entry', () => {
    expect(mayReadPerson(viewer('sam@example.org'), sam)).toBe(true);
  });

  it('lets the line manager read their report’s entry', () => {
    expect(mayReadPerson(viewer('elena@example.org'), sam)).toBe(true);
  });

  it.each(['pmo', 'pmo-lead', 'pmo-deputy'])('lets the PMO (%s) read anyone', (role) => {
    expect(mayReadPerson(viewer('noor@example.org', [role]), sam)).toBe(true);
  });

  it('keeps a colleague out', () => {
    expect(mayReadPerson(viewer('alex@example.org'), sam)).toBe(false);
  });

  it('keeps finance out: a person is not a financial record', () => {
    expect(mayReadPerson(viewer('femi@example.org', ['finance']), sam)).toBe(false);
  });

  it('keeps the manager’s manager out', () => {
    const lena: Person = { ...sam, email: 'lena@example.org', managerEmail: 'sam@example.org' };

    expect(mayReadPerson(viewer('elena@example.org'), lena)).toBe(false);
  });

  it('lets everything through with sign-in off', () => {
    expect(mayReadPerson(OPEN_VIEWER, sam)).toBe(true);
  });
});
