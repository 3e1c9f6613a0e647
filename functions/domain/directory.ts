import * as z from 'zod';

/** A role in the directory, as the approval policy names it: lower-case words joined by dashes. */
export const RoleSchema = z.string().regex(/^[a-z][a-z0-9-]{1,40}$/, 'A role is lower-case words joined by dashes, such as pmo-lead');
export type Role = z.infer<typeof RoleSchema>;

/** A person in the PMO's directory. */
export const PersonSchema = z.object({
  email: z.email().transform((email) => email.toLowerCase()),
  name: z.string().trim().min(1).max(120),
  department: z.string().trim().min(1).max(80).optional(),
  managerEmail: z
    .email()
    .transform((email) => email.toLowerCase())
    .optional(),
  roles: z.array(RoleSchema).default([]),
  /** A person who left or no longer takes part: they cannot sign in and are asked to decide nothing. */
  active: z.boolean().default(true),
  /** Mail to this address bounced for good, or its owner complained: SES reported it. */
  undeliverable: z
    .object({
      reason: z.string().max(500),
      at: z.iso.datetime({ offset: true }),
      kind: z.enum(['bounce', 'complaint']),
    })
    .optional(),
});
export type Person = z.infer<typeof PersonSchema>;

/** A directory file: what `npm run directory:import` and the local demo seed load. */
export const DirectoryFileSchema = z.object({ people: z.array(PersonSchema).min(1) });
export type DirectoryFile = z.infer<typeof DirectoryFileSchema>;

// ---- What the PMO sends to add or change a person ---------------------------------------------

/** The most roles one person holds: enough for any organisation, few enough for their role items. */
export const MAX_ROLES = 20;

/** How far up the line a new manager's chain is followed to find a cycle; a longer chain is not searched. */
export const MAX_MANAGER_CHAIN = 25;

const EmailInputSchema = z
  .email({ error: 'Enter an email address such as name@example.org' })
  .max(254, 'Use at most 254 characters')
  .transform((email) => email.toLowerCase());

const NameInputSchema = z.string({ error: 'Enter the person’s name' }).trim().min(1, 'Enter the person’s name').max(120, 'Use at most 120 characters');

const DepartmentInputSchema = z
  .string({ error: 'Enter a department, such as Finance' })
  .trim()
  .min(1, 'Enter a department, such as Finance')
  .max(80, 'Use at most 80 characters');

const ManagerEmailInputSchema = z
  .email({ error: 'Enter the manager’s email address, such as name@example.org' })
  .max(254, 'Use at most 254 characters')
  .transform((email) => email.toLowerCase());

const RolesInputSchema = z
  .array(z.string({ error: 'A role is text, such as pmo-lead' }).pipe(RoleSchema), { error: 'Send the roles as a list, such as ["finance"]' })
  .max(MAX_ROLES, `Give at most ${MAX_ROLES} roles`)
  // The same role twice is one membership.
  .transform((roles) => [...new Set(roles)]);

const ActiveInputSchema = z.boolean({ error: 'Send true or false' });

const MANAGER_IS_SELF = 'A person cannot be their own manager';

/**
 * A new person, as the PMO adds them: name and email, and optionally department, manager, roles
 * (none by default) and whether active (yes by default). A field the directory does not have is
 * refused, not dropped.
 */
export const PersonInputSchema = z
  .strictObject({
    email: EmailInputSchema,
    name: NameInputSchema,
    department: DepartmentInputSchema.optional(),
    managerEmail: ManagerEmailInputSchema.optional(),
    roles: RolesInputSchema.default([]),
    active: ActiveInputSchema.default(true),
  })
  .refine((input) => input.managerEmail !== input.email, { path: ['managerEmail'], message: MANAGER_IS_SELF });
export type PersonInput = z.infer<typeof PersonInputSchema>;

/**
 * A change to a person: only the fields sent change. `null` removes the department or the
 * manager; `roles` replaces the list. The email address is who the person is, and stays.
 */
export const PersonChangeSchema = z.strictObject({
  name: NameInputSchema.optional(),
  department: DepartmentInputSchema.nullable().optional(),
  managerEmail: ManagerEmailInputSchema.nullable().optional(),
  roles: RolesInputSchema.optional(),
  active: ActiveInputSchema.optional(),
});
export type PersonChange = z.infer<typeof PersonChangeSchema>;

/** The fields of a person that the PMO sets: what a change may name. */
export const PERSON_CHANGE_FIELDS = Object.keys(PersonChangeSchema.shape) as readonly (keyof PersonChange)[];

/** A new person as the directory stores them. */
export function personFromInput(input: PersonInput): Person {
  return {
    email: input.email,
    name: input.name,
    ...(input.department ? { department: input.department } : {}),
    ...(input.managerEmail ? { managerEmail: input.managerEmail } : {}),
    roles: input.roles,
    active: input.active,
  };
}

/** The person with a change applied; a field the change leaves out stays as it was. */
export function applyPersonChange(person: Person, change: PersonChange): Person {
  const { department: _department, managerEmail: _managerEmail, ...rest } = person;
  const department = change.department === undefined ? person.department : (change.department ?? undefined);
  const managerEmail = change.managerEmail === undefined ? person.managerEmail : (change.managerEmail ?? undefined);
  return {
    ...rest,
    ...(change.name !== undefined ? { name: change.name } : {}),
    ...(department ? { department } : {}),
    ...(managerEmail ? { managerEmail } : {}),
    ...(change.roles !== undefined ? { roles: change.roles } : {}),
    ...(change.active !== undefined ? { active: change.active } : {}),
  };
}

/** Why a change is refused on the person's own terms (before anyone else is looked up), if it is. */
export function personChangeProblem(person: Person, change: PersonChange): { path: string; message: string } | undefined {
  if (change.managerEmail && change.managerEmail === person.email) return { path: 'managerEmail', message: MANAGER_IS_SELF };
  return undefined;
}

/** Whether two versions of a person say the same in every field the PMO sets. */
export function sameDirectoryEntry(a: Person, b: Person): boolean {
  return (
    a.name === b.name &&
    a.department === b.department &&
    a.managerEmail === b.managerEmail &&
    a.active === b.active &&
    a.roles.length === b.roles.length &&
    a.roles.every((role) => b.roles.includes(role))
  );
}
