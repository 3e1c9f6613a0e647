import * as z from 'zod';

/** A person as records name them: a display name and a (lower-cased) email address. */
export const PersonRefSchema = z.object({
  name: z.string().trim().min(1, 'Enter a name').max(120, 'Use at most 120 characters'),
  email: z
    .email({ error: 'Enter an email address such as name@example.org' })
    .max(254, 'Use at most 254 characters')
    .transform((email) => email.toLowerCase()),
});
export type PersonRef = z.infer<typeof PersonRefSchema>;
