import * as z from 'zod';

/** Roles the workflows resolve to people through the directory. */
export const ROLES = ['pmo-lead', 'finance', 'executive'] as const;
export type Role = (typeof ROLES)[number];

/** Roles as people read them. */
export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  'pmo-lead': 'PMO lead',
  finance: 'finance approver',
  executive: 'executive sponsor',
};

/** The readable name of a role; unknown roles are shown as stored. */
export function roleLabel(role: string): string {
  return (ROLE_LABELS as Record<string, string>)[role] ?? role;
}

/** A person in the PMO's directory. */
export const PersonSchema = z.object({
  email: z.email().transform((email) => email.toLowerCase()),
  name: z.string().trim().min(1).max(120),
  department: z.string().trim().min(1).max(80).optional(),
  managerEmail: z
    .email()
    .transform((email) => email.toLowerCase())
    .optional(),
  roles: z.array(z.enum(ROLES)).default([]),
});
export type Person = z.infer<typeof PersonSchema>;

/** A directory file: what `npm run directory:import` and the local demo seed load. */
export const DirectoryFileSchema = z.object({ people: z.array(PersonSchema).min(1) });
export type DirectoryFile = z.infer<typeof DirectoryFileSchema>;
