// Staff accounts: creation (the CLI and /admin/users share it), activation, look-ups.
// Every change is audited in the transaction that makes it.
import { fromFlag, toFlag } from "../../../db/booleans";
import type { StaffRole } from "../../../db/schema";
import { appendAudit } from "~/modules/audit/audit.server";
import { passwordProblem } from "~/modules/auth/password-policy.server";
import { hashPassword } from "~/modules/auth/password.server";
import { deleteSessionsOf } from "~/modules/auth/session.server";
import { immediateTransaction, type DB } from "~/modules/database/db.server";
import { fail, ok, type Result } from "~/modules/result";

/** Who did something, as the audit log records it. */
export interface Actor {
  /** "staff:<id>", "cli:<user>", "anonymous". */
  actor: string;
  /** "Name <email>" at the time. */
  actorLabel: string;
  ip: string | null;
}

export function staffActor(staff: { id: number; name: string; email: string }, ip: string | null): Actor {
  return { actor: `staff:${staff.id}`, actorLabel: `${staff.name} <${staff.email}>`, ip };
}

/** A staff account's e-mail as stored and looked up at sign-in: trimmed and all lower case
 * (an applicant's contact address keeps its local part: applications/schema.ts). */
export function staffEmail(email: string): string {
  return email.trim().toLowerCase();
}

export interface NewStaff {
  email: string;
  name: string;
  role: StaffRole;
  password: string;
  /**
   * The password was chosen by someone else (an admin at /admin/users), who still knows
   * it: the account must set its own before it reaches the staff area. Not for the
   * operator's `npm run user:create`, where the person types their own.
   */
  mustChangePassword?: boolean;
}

/** The words a staff member's password must not contain: their e-mail name and their names. */
export function personalWords(staff: { email: string; name: string }): string[] {
  return [staff.email.split("@")[0], ...staff.name.trim().split(/\s+/)];
}

/** Creates an account, audited, in one transaction; its id, or why not (a taken e-mail, a weak password). */
export async function createStaff(db: DB, input: NewStaff, by: Actor): Promise<Result<number>> {
  const email = staffEmail(input.email);
  const name = input.name.trim();
  const problem = await passwordProblem(input.password, personalWords({ email, name }));
  if (problem) return fail({ kind: "invalid", errors: { password: problem } });
  // Hashed before the transaction: argon2 takes a while, and the write lock need not wait.
  const passwordHash = await hashPassword(input.password);
  return immediateTransaction(db, async (trx) => {
    const taken = await trx.selectFrom("staff").select("id").where("email", "=", email).executeTakeFirst();
    if (taken) return fail({ kind: "invalid", errors: { email: `A staff account with the e-mail ${email} already exists.` } });
    return ok(await insertStaff(trx, { ...input, email, name }, passwordHash, by));
  });
}

async function insertStaff(trx: DB, input: NewStaff, passwordHash: string, by: Actor): Promise<number> {
  const { email, name } = input;
  const mustChangePassword = input.mustChangePassword === true;
  const now = new Date().toISOString();
  const { id } = await trx
    .insertInto("staff")
    .values({
      email,
      name,
      role: input.role,
      active: toFlag(true),
      password_hash: passwordHash,
      totp_secret: null,
      totp_enrolled_at: null,
      totp_last_step: null,
      created_at: now,
      last_sign_in_at: null,
      must_change_password: toFlag(mustChangePassword),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await appendAudit(trx, {
    ...by,
    action: "staff.create",
    targetType: "staff",
    targetId: String(id),
    after: { email, name, role: input.role, active: true, ...(mustChangePassword ? { must_change_password: true } : {}) },
  });
  return id;
}

/**
 * Deactivates or reactivates an account, audited, in one transaction. An admin cannot
 * deactivate themself, and the last active admin cannot be deactivated (nobody could
 * manage staff any more). Deactivation ends every session of the account at once.
 */
export async function setStaffActive(
  db: DB,
  targetId: number,
  active: boolean,
  by: Actor & { staffId: number },
  reason: string | null,
): Promise<Result> {
  return immediateTransaction(db, (trx) => changeActive(trx, targetId, active, by, reason));
}

async function changeActive(
  trx: DB,
  targetId: number,
  active: boolean,
  by: Actor & { staffId: number },
  reason: string | null,
): Promise<Result> {
  const { staffId, ...actor } = by;
  const target = await trx.selectFrom("staff").selectAll().where("id", "=", targetId).executeTakeFirst();
  if (!target) return fail({ kind: "not_found", message: "There is no such staff account." });
  if (!active && target.id === staffId) return fail({ kind: "invalid", message: "You cannot deactivate your own account." });
  if (fromFlag(target.active) === active) {
    return fail({ kind: "conflict", message: `${target.name} is already ${active ? "active" : "deactivated"}.` });
  }
  if (!active && target.role === "admin") {
    const others = await trx
      .selectFrom("staff")
      .select((eb) => eb.fn.countAll<number>().as("count"))
      .where("role", "=", "admin")
      .where("active", "=", toFlag(true))
      .where("id", "!=", target.id)
      .executeTakeFirstOrThrow();
    if (Number(others.count) === 0) {
      return fail({ kind: "invalid", message: `${target.name} is the last active administrator and cannot be deactivated.` });
    }
  }
  await trx
    .updateTable("staff")
    .set({ active: toFlag(active) })
    .where("id", "=", target.id)
    .where("active", "=", active ? 0 : 1)
    .execute();
  const sessionsEnded = active ? 0 : await deleteSessionsOf(trx, target.id);
  await appendAudit(trx, {
    ...actor,
    action: active ? "staff.reactivate" : "staff.deactivate",
    targetType: "staff",
    targetId: String(target.id),
    reason,
    before: { active: !active },
    after: { active, ...(active ? {} : { sessions_ended: sessionsEnded }) },
  });
  return ok();
}

export async function listStaff(db: DB) {
  const rows = await db
    .selectFrom("staff")
    .select(["id", "email", "name", "role", "active", "totp_enrolled_at", "created_at", "last_sign_in_at", "must_change_password"])
    .orderBy("active", "desc")
    .orderBy("name")
    .execute();
  return rows.map(({ must_change_password, ...r }) => ({
    ...r,
    active: fromFlag(r.active),
    mfa: r.totp_enrolled_at !== null,
    initialPassword: fromFlag(must_change_password),
  }));
}
