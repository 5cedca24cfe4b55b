// Every second factor of an account at once: what /admin/users shows of them, and the
// administrator's reset for a staff member who lost theirs (a lost phone, a lost security
// key): the passkeys, the authenticator app and its recovery codes go, the account's
// sessions end, and the next sign-in with the password leads to setting up new ones (as
// STAFF_MFA asks). Audited as staff.authenticators_reset.
import { appendAudit } from "~/modules/audit/audit.server";
import { immediateTransaction, type DB } from "~/modules/database/db.server";
import { fail, ok, type Result } from "~/modules/result";
import type { Actor } from "~/modules/staff/staff.server";

/** How many passkeys each account has (accounts without any are absent). */
export async function passkeyCounts(db: DB): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom("staff_passkeys")
    .select(["staff_id", (eb) => eb.fn.countAll<number>().as("n")])
    .groupBy("staff_id")
    .execute();
  return new Map(rows.map((r) => [r.staff_id, Number(r.n)]));
}

export async function resetAuthenticators(
  db: DB,
  staffId: number,
  by: Actor & { staffId: number },
  reason: string | null,
): Promise<Result<{ passkeys: number; totp: boolean; sessionsEnded: number }>> {
  if (staffId === by.staffId) {
    return fail({ kind: "invalid", message: "You cannot reset your own sign-in factors here: manage them on your account page." });
  }
  return immediateTransaction(db, async (trx) => {
    const staff = await trx.selectFrom("staff").select(["id", "totp_enrolled_at"]).where("id", "=", staffId).executeTakeFirst();
    if (!staff) return fail({ kind: "not_found", message: "There is no such staff account." });
    const held = await trx
      .selectFrom("staff_passkeys")
      .select((eb) => eb.fn.countAll<number>().as("n"))
      .where("staff_id", "=", staffId)
      .executeTakeFirstOrThrow();
    if (Number(held.n) === 0 && staff.totp_enrolled_at === null) {
      return fail({ kind: "conflict", message: "This account has no passkey or authenticator app to reset." });
    }
    const passkeys = Number((await trx.deleteFrom("staff_passkeys").where("staff_id", "=", staffId).executeTakeFirst()).numDeletedRows);
    const codes = Number((await trx.deleteFrom("staff_recovery_codes").where("staff_id", "=", staffId).executeTakeFirst()).numDeletedRows);
    await trx
      .updateTable("staff")
      .set({ totp_secret: null, totp_enrolled_at: null, totp_last_step: null })
      .where("id", "=", staffId)
      .execute();
    await trx.deleteFrom("webauthn_challenges").where("staff_id", "=", staffId).execute();
    const sessions = Number((await trx.deleteFrom("staff_sessions").where("staff_id", "=", staffId).executeTakeFirst()).numDeletedRows);
    const totp = staff.totp_enrolled_at !== null;
    await appendAudit(trx, {
      actor: by.actor,
      actorLabel: by.actorLabel,
      ip: by.ip,
      action: "staff.authenticators_reset",
      targetType: "staff",
      targetId: String(staffId),
      reason,
      before: { passkeys, totp, recovery_codes: codes },
      after: { passkeys: 0, totp: false, recovery_codes: 0, sessions_ended: sessions },
    });
    return ok({ passkeys, totp, sessionsEnded: sessions });
  });
}
