import { describe, expect, it } from 'vitest';
import { accessOf, holdsAny, mayRead, OPEN_VIEWER, personViewer } from '#domain/access.ts';
import type { Person } from '#domain/directory.ts';

function person(email: string, roles: string[] = []): Person {
  return { email, name: email.split('@')[0]!, roles, active: true };
}

describe('accessOf', () => {
  it('grants the PMO permission to the PMO lead and deputy seats', () => {
    expect([...accessOf(person('a@x.org', ['pmo-lead']))]).toEqual(['pmo']);
    expect([...accessOf(person('b@x.org', ['pmo-deputy']))]).toEqual(['pmo']);
  });

  it('grants finance to the finance seats, and nothing to other roles', () => {
    expect([...accessOf(person('c@x.org', ['finance-deputy', 'executive']))]).toEqual(['finance']);
    expect([...accessOf(person('d@x.org', ['executive']))]).toEqual([]);
  });
});

describe('mayRead', () => {
  const sam = personViewer(person('sam@x.org'));

  it('lets anyone read what they submitted, were asked to decide, or manage', () => {
    expect(mayRead(sam, { submitterEmail: 'sam@x.org' })).toBe(true);
    expect(mayRead(sam, { submitterEmail: 'alex@x.org', reviewerEmails: ['sam@x.org'] })).toBe(true);
    expect(mayRead(sam, { managerEmails: ['sam@x.org'] })).toBe(true);
  });

  it('lets a line manager read their people’s records', () => {
    expect(mayRead(sam, { submitterEmail: 'alex@x.org', lineManagerEmails: ['sam@x.org'] })).toBe(true);
  });

  it('refuses someone the record does not involve', () => {
    expect(mayRead(sam, { submitterEmail: 'alex@x.org', reviewerEmails: ['lena@x.org'], financial: true })).toBe(false);
  });

  it('lets finance read financial records only', () => {
    const femi = personViewer(person('femi@x.org', ['finance']));

    expect(mayRead(femi, { submitterEmail: 'alex@x.org', financial: true })).toBe(true);
    expect(mayRead(femi, { submitterEmail: 'alex@x.org' })).toBe(false);
  });

  it('lets the PMO read everything, and everyone with sign-in off', () => {
    expect(mayRead(personViewer(person('priya@x.org', ['pmo-lead'])), { submitterEmail: 'alex@x.org' })).toBe(true);
    expect(mayRead(OPEN_VIEWER, { submitterEmail: 'alex@x.org' })).toBe(true);
  });
});

describe('holdsAny', () => {
  it('is true for a held permission and false otherwise', () => {
    const femi = personViewer(person('femi@x.org', ['finance']));

    expect(holdsAny(femi, ['pmo', 'finance'])).toBe(true);
    expect(holdsAny(femi, ['pmo'])).toBe(false);
  });
});
