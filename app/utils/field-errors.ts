// Messages beside a form's fields, keyed by the field's name: one type for every form,
// its first message per field taken from a zod error. Shared by server and browser.
import type { z } from "zod";

export type FieldErrors<Field extends string = string> = Partial<Record<Field, string>>;

/** The first message per field, keyed by the field's name ("form" for the whole form). */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = String(issue.path[0] ?? "form");
    errors[key] ??= issue.message;
  }
  return errors;
}
