import { describe, expect, it } from 'vitest';
import {
  applyPersonChange,
  MAX_ROLES,
  PersonChangeSchema,
  personChangeProblem,
  personFromInput,
  PersonInputSchema,
  sameDirectoryEntry,
  type Person,
} from '#domain/directory.ts';

const femi: Person = {
  email: 'femi@example.org',
  name: 'Femi Adeyemi',
  department: 'Finance',
  managerEmail: 'priya@example.org',
  roles: ['finance'],
  active: true,
};

/** The paths of the issues a schema finds in a value. */
function issuePaths(result: { success: boolean; error?: { issues: readonly { path: readonly PropertyKey[] }[] } }): string[] {
  return (result.error?.issues ?? []).map((issue) => issue.path.map(String).join('.'));
}

describe('PersonInputSchema', () => {
  it('takes a name and an email, and makes the person active with no roles', () => {
    const input = PersonInputSchema.parse({ email: 'Kai.Berg@Example.org', name: '  Kai Berg ' });

    expect(input).toEqual({ email: 'kai.berg@example.org', name: 'Kai Berg', roles: [], active: true });
  });

  it('keeps the department, manager (lower-cased), roles and active flag sent', () => {
    const input = PersonInputSchema.parse({
      email: 'kai@example.org',
      name: 'Kai Berg',
      department: 'PMO',
      managerEmail: 'Priya@Example.org',
      roles: ['pmo-lead'],
      active: false,
    });

    expect(input).toMatchObject({ department: 'PMO', managerEmail: 'priya@example.org', roles: ['pmo-lead'], active: false });
  });

  it('counts a role sent twice once', () => {
    expect(PersonInputSchema.parse({ email: 'kai@example.org', name: 'Kai', roles: ['finance', 'finance'] }).roles).toEqual(['finance']);
  });

  it.each([
    ['no email', { name: 'Kai' }, 'email'],
    ['an email that is not one', { email: 'kai', name: 'Kai' }, 'email'],
    ['an email over 254 characters', { email: `${'k'.repeat(250)}@example.org`, name: 'Kai' }, 'email'],
    ['no name', { email: 'kai@example.org' }, 'name'],
    ['a blank name', { email: 'kai@example.org', name: '   ' }, 'name'],
    ['a name over 120 characters', { email: 'kai@example.org', name: 'K'.repeat(121) }, 'name'],
    ['an empty department', { email: 'kai@example.org', name: 'Kai', department: '' }, 'department'],
    ['a manager address that is not one', { email: 'kai@example.org', name: 'Kai', managerEmail: 'boss' }, 'managerEmail'],
    ['roles that are not a list', { email: 'kai@example.org', name: 'Kai', roles: 'finance' }, 'roles'],
    ['a role in capitals', { email: 'kai@example.org', name: 'Kai', roles: ['finance', 'PMO'] }, 'roles.1'],
    ['a role that is not text', { email: 'kai@example.org', name: 'Kai', roles: [7] }, 'roles.0'],
    ['active as text', { email: 'kai@example.org', name: 'Kai', active: 'yes' }, 'active'],
  ])('refuses %s, naming the field', (_what, body, path) => {
    expect(issuePaths(PersonInputSchema.safeParse(body))).toContain(path);
  });

  it(`refuses more than ${MAX_ROLES} roles`, () => {
    const roles = Array.from({ length: MAX_ROLES + 1 }, (_, index) => `role-${index}`);

    expect(issuePaths(PersonInputSchema.safeParse({ email: 'kai@example.org', name: 'Kai', roles }))).toEqual(['roles']);
  });

  it('refuses a person who is their own manager, in any case', () => {
    const result = PersonInputSchema.safeParse({ email: 'kai@example.org', name: 'Kai', managerEmail: 'KAI@example.org' });

    expect(result.error?.issues).toEqual([expect.objectContaining({ path: ['managerEmail'], message: 'A person cannot be their own manager' })]);
  });

  it('refuses a field the directory does not have, rather than drop it', () => {
    const result = PersonInputSchema.safeParse({ email: 'kai@example.org', name: 'Kai', undeliverable: { reason: 'x' } });

    expect(result.error?.issues).toEqual([expect.objectContaining({ code: 'unrecognized_keys', keys: ['undeliverable'] })]);
  });
});

describe('PersonChangeSchema', () => {
  it('takes any one field alone', () => {
    expect(PersonChangeSchema.parse({ active: false })).toEqual({ active: false });
  });

  it('takes null to remove the department or the manager', () => {
    expect(PersonChangeSchema.parse({ department: null, managerEmail: null })).toEqual({ department: null, managerEmail: null });
  });

  it('refuses a change of the email address', () => {
    const result = PersonChangeSchema.safeParse({ email: 'new@example.org' });

    expect(result.error?.issues).toEqual([expect.objectContaining({ code: 'unrecognized_keys', keys: ['email'] })]);
  });

  it.each([
    ['a blank name', { name: '' }, 'name'],
    ['an empty department', { department: ' ' }, 'department'],
    ['a manager address that is not one', { managerEmail: 'boss' }, 'managerEmail'],
    ['a role that is not one', { roles: ['pmo lead'] }, 'roles.0'],
    ['active as a number', { active: 0 }, 'active'],
  ])('refuses %s, naming the field', (_what, body, path) => {
    expect(issuePaths(PersonChangeSchema.safeParse(body))).toEqual([path]);
  });
});

describe('personFromInput', () => {
  it('stores no empty department or manager', () => {
    const input = PersonInputSchema.parse({ email: 'kai@example.org', name: 'Kai' });

    expect(personFromInput(input)).toEqual({ email: 'kai@example.org', name: 'Kai', roles: [], active: true });
  });
});

describe('applyPersonChange', () => {
  it('changes only the fields the change names', () => {
    expect(applyPersonChange(femi, { name: 'Femi A. Adeyemi' })).toEqual({ ...femi, name: 'Femi A. Adeyemi' });
  });

  it('replaces the roles as a whole', () => {
    expect(applyPersonChange(femi, { roles: ['finance-lead', 'executive'] }).roles).toEqual(['finance-lead', 'executive']);
  });

  it('removes the department and the manager on null', () => {
    const changed = applyPersonChange(femi, { department: null, managerEmail: null });

    expect(changed).not.toHaveProperty('department');
    expect(changed).not.toHaveProperty('managerEmail');
  });

  it('deactivates and reactivates', () => {
    const deactivated = applyPersonChange(femi, { active: false });

    expect(deactivated.active).toBe(false);
    expect(applyPersonChange(deactivated, { active: true }).active).toBe(true);
  });

  it('keeps what SES reported about the address', () => {
    const marked: Person = { ...femi, undeliverable: { reason: 'mailbox unknown', at: '2026-11-01T10:00:00.000Z', kind: 'bounce' } };

    expect(applyPersonChange(marked, { name: 'Femi' }).undeliverable).toEqual(marked.undeliverable);
  });
});

describe('personChangeProblem', () => {
  it('refuses making a person their own manager', () => {
    expect(personChangeProblem(femi, { managerEmail: 'femi@example.org' })).toEqual({ path: 'managerEmail', message: 'A person cannot be their own manager' });
  });

  it('has nothing against another manager', () => {
    expect(personChangeProblem(femi, { managerEmail: 'omar@example.org' })).toBeUndefined();
  });
});

describe('sameDirectoryEntry', () => {
  it('sees the same roles in another order as the same', () => {
    const priya: Person = { email: 'priya@example.org', name: 'Priya', roles: ['pmo-lead', 'executive'], active: true };

    expect(sameDirectoryEntry(priya, { ...priya, roles: ['executive', 'pmo-lead'] })).toBe(true);
  });

  it.each([
    ['name', { name: 'Femi A.' }],
    ['department', { department: 'Treasury' }],
    ['manager', { managerEmail: 'omar@example.org' }],
    ['roles', { roles: ['finance', 'executive'] }],
    ['active', { active: false }],
  ])('sees a different %s as a change', (_field, change) => {
    expect(sameDirectoryEntry(femi, { ...femi, ...change })).toBe(false);
  });
});
