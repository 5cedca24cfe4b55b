// What a domain operation answers: its value, or what went wrong in the user's words.
// One shape for every module, so routes turn failures into HTTP in one place
// (errorStatus and errorHeaders in app/utils/http.server.ts) and forms show `errors`
// beside their fields. Unexpected faults still throw.
import type { FieldErrors } from "~/utils/field-errors";

export type DomainError =
  /** The input breaks a rule: `errors` per field, or `message` for the whole form. */
  | { kind: "invalid"; message?: string; errors?: FieldErrors }
  /** Credentials or a code that are not right. */
  | { kind: "unauthorised"; message?: string; errors?: FieldErrors }
  | { kind: "not_found"; message: string }
  /** The state changed meanwhile (already decided, already withdrawn, unchanged). */
  | { kind: "conflict"; message: string }
  /** Too many attempts: try again after `retryAfterSeconds`. */
  | { kind: "limited"; message?: string; errors?: FieldErrors; retryAfterSeconds: number };

export type Failure = { ok: false; error: DomainError };
export type Result<T = undefined> = { ok: true; value: T } | Failure;

export function ok(): Result;
export function ok<T>(value: T): Result<T>;
export function ok<T>(value?: T): Result<T | undefined> {
  return { ok: true, value };
}

export function fail(error: DomainError): Failure {
  return { ok: false, error };
}

/** The failure in one sentence: its message, else its field messages joined. */
export function errorMessage(error: DomainError): string {
  if ("message" in error && error.message) return error.message;
  const fields = "errors" in error && error.errors ? Object.values(error.errors).filter(Boolean) : [];
  return fields.length > 0 ? fields.join(" ") : "The request could not be carried out.";
}

/** A failure as a form shows it: its field messages beside their fields, else one message. */
export function formFailure(error: DomainError): { errors: FieldErrors; message?: string } {
  return "errors" in error && error.errors ? { errors: error.errors } : { errors: {}, message: errorMessage(error) };
}
