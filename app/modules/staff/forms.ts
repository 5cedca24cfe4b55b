// The staff area's forms: one zod schema per form, used by the action to parse and by the
// page for its limits, so the two cannot disagree. Shared by server and browser.
import { z } from "zod";
import { MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH } from "~/modules/auth/password-rules";
import { ruledText } from "~/modules/text";
import { ACCORD_LAUNCH } from "~/modules/accord";
import { formatDate } from "~/utils/format";

export const REASON_MAX = 2000;
export const NOTE_MAX = 4000;

/** Today in UTC, as YYYY-MM-DD. */
export function today(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

const text = (label: string, min: number, max: number) =>
  z
    .string({ error: `${label} is required.` })
    .transform((v) => v.trim())
    .pipe(
      z
        .string()
        .min(min, { error: min <= 1 ? `${label} is required.` : `${label} must be at least ${min} characters.` })
        .max(max, { error: `${label} must be at most ${max} characters.` }),
    );

/** A real calendar day, YYYY-MM-DD, from the accord's launch to today. */
export const day = (label: string) =>
  z
    .string({ error: `${label} is required.` })
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, { error: `${label} must be a date written YYYY-MM-DD.` })
    .refine((v) => !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), {
      error: `${label} is not a real date.`,
    })
    .refine((v) => v >= ACCORD_LAUNCH, { error: `${label} cannot be before the accord's launch (${formatDate(ACCORD_LAUNCH)}).` })
    .refine((v) => v <= today(), { error: `${label} cannot be in the future.` });

// Reasons reach the public history, the feed and the applicant's mail: the registry's text
// rule (app/modules/text.ts) applies, several lines allowed.
export const reasonField = ruledText("A reason", "text").pipe(
  z
    .string()
    .min(3, { error: "A reason must be at least 3 characters." })
    .max(REASON_MAX, { error: `A reason must be at most ${REASON_MAX} characters.` }),
);

export const decisionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("approve"),
    // An empty date field means today.
    joined_on: z.preprocess((v) => (v === "" || v === undefined ? today() : v), day("The join date")),
  }),
  z.object({ intent: z.literal("reject"), reason: reasonField }),
  z.object({ intent: z.literal("request_changes"), reason: reasonField }),
  z.object({ intent: z.literal("note"), body: text("The note", 1, NOTE_MAX) }),
]);

export const loginSchema = z.object({
  email: text("E-mail address", 3, 254),
  password: z
    .string({ error: "Password is required." })
    .min(1, { error: "Password is required." })
    .max(1024, { error: "That password is too long." }),
});

export const codeSchema = z.object({
  code: text("The code", 6, 20),
});

export const newStaffSchema = z.object({
  name: text("Name", 2, 120),
  email: z
    .string({ error: "E-mail address is required." })
    .trim()
    .toLowerCase()
    .pipe(z.email({ error: "Enter an e-mail address such as name@example.org." }).max(254)),
  role: z.enum(["admin", "moderator"], { error: "Choose a role." }),
  password: z
    .string({ error: "An initial password is required." })
    .min(MIN_PASSWORD_LENGTH, { error: `The password must be at least ${MIN_PASSWORD_LENGTH} characters long.` })
    .max(MAX_PASSWORD_LENGTH, { error: `The password must be at most ${MAX_PASSWORD_LENGTH} characters long.` }),
});

/** Changing one's own password at /account. The policy beyond length is checked on the server. */
export const passwordChangeSchema = z
  .object({
    current_password: z
      .string({ error: "Enter your current password." })
      .min(1, { error: "Enter your current password." })
      .max(1024, { error: "That password is too long." }),
    new_password: z
      .string({ error: "Choose a new password." })
      .min(MIN_PASSWORD_LENGTH, { error: `The password must be at least ${MIN_PASSWORD_LENGTH} characters long.` })
      .max(MAX_PASSWORD_LENGTH, { error: `The password must be at most ${MAX_PASSWORD_LENGTH} characters long.` }),
    confirm_password: z.string({ error: "Type the new password again." }).min(1, { error: "Type the new password again." }),
  })
  .refine((v) => v.confirm_password === v.new_password, { path: ["confirm_password"], error: "The two new passwords are not the same." })
  .refine((v) => v.new_password !== v.current_password, {
    path: ["new_password"],
    error: "Choose a new password, not the one you have now.",
  });

/** What proves it is still you before the authenticator is replaced. */
export const REAUTH_MAX = 1024;
