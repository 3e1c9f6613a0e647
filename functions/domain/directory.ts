import * as z from 'zod';

/** A role in the directory, as the approval policy names it: lower-case words joined by dashes. */
export const RoleSchema = z.string().regex(/^[a-z][a-z0-9-]{1,40}$/);
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
