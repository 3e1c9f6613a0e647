import * as z from 'zod';
import { HolidayCalendarIdSchema, TimeZoneSchema, WorkPatternSchema, type WorkPattern } from './working-time.ts';

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
  /** Hours per weekday; none: the full-time default (working-time.ts). */
  workPattern: WorkPatternSchema.optional(),
  /** Where they work (IANA); none: the organisation's zone. */
  timeZone: TimeZoneSchema.optional(),
  /** The id of their region's public-holiday calendar; none: no public holidays. */
  holidayCalendar: HolidayCalendarIdSchema.optional(),
  /** Whether they are asked for timesheets; none: yes (contractors and executives may be exempt). */
  timesheetsRequired: z.boolean().optional(),
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

/** All seven weekdays, each day's hours (0 to 24 in quarter hours). */
const WorkPatternInputSchema = z.strictObject(WorkPatternSchema.shape, {
  error: 'Send the hours of every weekday: {mon, tue, wed, thu, fri, sat, sun}, such as {"mon": 8, …, "sat": 0, "sun": 0}',
});

const TimesheetsRequiredInputSchema = z.boolean({ error: 'Send true or false' });

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
    workPattern: WorkPatternInputSchema.optional(),
    timeZone: TimeZoneSchema.optional(),
    holidayCalendar: HolidayCalendarIdSchema.optional(),
    timesheetsRequired: TimesheetsRequiredInputSchema.optional(),
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
  /** `null` goes back to the full-time default. */
  workPattern: WorkPatternInputSchema.nullable().optional(),
  /** `null` goes back to the organisation's zone. */
  timeZone: TimeZoneSchema.nullable().optional(),
  /** `null`: no public holidays. */
  holidayCalendar: HolidayCalendarIdSchema.nullable().optional(),
  timesheetsRequired: TimesheetsRequiredInputSchema.optional(),
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
    ...(input.workPattern ? { workPattern: input.workPattern } : {}),
    ...(input.timeZone ? { timeZone: input.timeZone } : {}),
    ...(input.holidayCalendar ? { holidayCalendar: input.holidayCalendar } : {}),
    ...(input.timesheetsRequired !== undefined ? { timesheetsRequired: input.timesheetsRequired } : {}),
  };
}

/** The value after a change of a field that `null` removes: the change's, or the old one when it leaves the field out. */
function changed<Value>(before: Value | undefined, change: Value | null | undefined): Value | undefined {
  return change === undefined ? before : (change ?? undefined);
}

/** The person with a change applied; a field the change leaves out stays as it was. */
export function applyPersonChange(person: Person, change: PersonChange): Person {
  const { department: _department, managerEmail: _managerEmail, workPattern: _workPattern, timeZone: _timeZone, holidayCalendar: _holidayCalendar, ...rest } = person;
  const department = changed(person.department, change.department);
  const managerEmail = changed(person.managerEmail, change.managerEmail);
  const workPattern = changed(person.workPattern, change.workPattern);
  const timeZone = changed(person.timeZone, change.timeZone);
  const holidayCalendar = changed(person.holidayCalendar, change.holidayCalendar);
  return {
    ...rest,
    ...(change.name !== undefined ? { name: change.name } : {}),
    ...(department ? { department } : {}),
    ...(managerEmail ? { managerEmail } : {}),
    ...(change.roles !== undefined ? { roles: change.roles } : {}),
    ...(change.active !== undefined ? { active: change.active } : {}),
    ...(workPattern ? { workPattern } : {}),
    ...(timeZone ? { timeZone } : {}),
    ...(holidayCalendar ? { holidayCalendar } : {}),
    ...(change.timesheetsRequired !== undefined ? { timesheetsRequired: change.timesheetsRequired } : {}),
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
    a.roles.every((role) => b.roles.includes(role)) &&
    samePattern(a.workPattern, b.workPattern) &&
    a.timeZone === b.timeZone &&
    a.holidayCalendar === b.holidayCalendar &&
    a.timesheetsRequired === b.timesheetsRequired
  );
}

function samePattern(a: WorkPattern | undefined, b: WorkPattern | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (Object.keys(a) as (keyof WorkPattern)[]).every((day) => a[day] === b[day]);
}
