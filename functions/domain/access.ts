import type { Person } from './directory.ts';

/**
 * What a directory role lets someone do beyond submitting and reading their own records. Roles in
 * the directory also name approval seats (`pmo-lead`, `finance-deputy`); these are permissions.
 */
export const ACCESS_ROLES = ['pmo', 'finance'] as const;
export type AccessRole = (typeof ACCESS_ROLES)[number];

/** The directory roles that grant each permission: a seat in the PMO or finance grants its office's. */
const GRANTED_BY: Readonly<Record<AccessRole, ReadonlySet<string>>> = {
  pmo: new Set(['pmo', 'pmo-lead', 'pmo-deputy']),
  finance: new Set(['finance', 'finance-lead', 'finance-deputy']),
};

/**
 * Who is reading or acting:
 * - `person`: someone signed in, as the directory knows them;
 * - `open`: sign-in is off (the local stack's `PMO_AUTH=off`); every check passes, as before sign-in.
 */
export type Viewer =
  | { readonly kind: 'person'; readonly email: string; readonly name: string; readonly access: ReadonlySet<AccessRole>; readonly person: Person }
  | { readonly kind: 'open' };

/** The viewer with sign-in off. */
export const OPEN_VIEWER: Viewer = { kind: 'open' };

/** The permissions a person's directory roles grant. */
export function accessOf(person: Pick<Person, 'roles'>): Set<AccessRole> {
  return new Set(ACCESS_ROLES.filter((access) => person.roles.some((role) => GRANTED_BY[access].has(role))));
}

/** The viewer for a signed-in person. */
export function personViewer(person: Person): Viewer {
  return { kind: 'person', email: person.email, name: person.name, access: accessOf(person), person };
}

/** Whether the viewer holds one of the permissions (always, with sign-in off). */
export function holdsAny(viewer: Viewer, roles: readonly AccessRole[]): boolean {
  return viewer.kind === 'open' || roles.some((role) => viewer.access.has(role));
}

/** Whether the viewer is the PMO, who reads everything. */
export function isPmo(viewer: Viewer): boolean {
  return holdsAny(viewer, ['pmo']);
}

/** The email of a signed-in viewer; undefined with sign-in off. */
export function viewerEmail(viewer: Viewer): string | undefined {
  return viewer.kind === 'person' ? viewer.email : undefined;
}

/** The people a record involves, as far as reading it goes. */
export interface RecordParties {
  /** Who submitted it or proposed it. */
  readonly submitterEmail?: string | undefined;
  /** Who was asked to decide on it (approvers and those they stood in for). */
  readonly reviewerEmails?: readonly string[];
  /** Who manages it (a project's manager). */
  readonly managerEmails?: readonly string[];
  /** The managers of the people above, who read their people's records. */
  readonly lineManagerEmails?: readonly string[];
  /** Whether it is a financial record (a project's budget and actuals, an invoice). */
  readonly financial?: boolean;
}

/**
 * Whether the viewer may read a record: the PMO reads everything; finance reads financial
 * records; anyone reads what they submitted, were asked to decide, or manage, and their people's.
 */
export function mayRead(viewer: Viewer, parties: RecordParties): boolean {
  if (viewer.kind === 'open' || viewer.access.has('pmo')) return true;
  if (parties.financial && viewer.access.has('finance')) return true;
  const me = viewer.email;
  return (
    parties.submitterEmail === me ||
    (parties.reviewerEmails ?? []).includes(me) ||
    (parties.managerEmails ?? []).includes(me) ||
    (parties.lineManagerEmails ?? []).includes(me)
  );
}
