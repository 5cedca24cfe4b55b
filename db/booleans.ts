// Booleans as the database stores them, 0 or 1 (better-sqlite3 binds no booleans, and the
// same integer column reads alike on PostgreSQL), converted here and nowhere else.
import type { BooleanInteger } from "./schema";

/** A boolean as a column value. */
export function toFlag(value: boolean): BooleanInteger {
  return value ? 1 : 0;
}

/** A column value as a boolean. */
export function fromFlag(value: BooleanInteger | number): boolean {
  return value === 1;
}
