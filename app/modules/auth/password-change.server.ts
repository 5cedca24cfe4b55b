// Changing one's own password at /account: the current password first (re-authentication,
// counted like a sign-in), then the policy; the change ends every other session of the
// account, clears a forced change, and is audited in the same transaction.
import { fromFlag } from "../../../db/booleans";
import { appendAudit } from "~/modules/audit/audit.server";
import type { DB } from "~/modules/database/db.server";
import { fail, ok, type Result } from "~/modules/result";
import { personalWords } from "~/modules/staff/staff.server";
import { log } from "~/utils/log.server";
import { passwordProblem } from "./password-policy.server";
import { hashPassword } from "./password.server";
import { reauthenticate } from "./reauth.server";
import type { StaffUser } from "./require-staff.server";

export async function changePassword(
  db: DB,
  me: StaffUser,
  input: { current: string; next: string },
  requestId: string,
): Promise<Result<{ sessionsEnded: number }>> {
  // The policy first: it says nothing about the current password and spends no budget.
  const problem = await passwordProblem(input.next, personalWords(me));
  if (problem) return fail({ kind: "invalid", errors: { new_password: problem } });
  const proof = await reauthenticate(
    db,
    me,
    input.current,
    { password: true, secondFactor: false },
    "wrong current password when changing the password",
    requestId,
  );
  if (!proof.ok) {
    return proof.error.kind === "limited"
      ? proof
      : fail({ kind: "invalid", errors: { current_password: "That is not your current password." } });
  }

  const passwordHash = await hashPassword(input.next);
  const sessionsEnded = await db.transaction().execute(async (trx) => {
    const before = await trx.selectFrom("staff").select("must_change_password").where("id", "=", me.id).executeTakeFirstOrThrow();
    await trx.updateTable("staff").set({ password_hash: passwordHash, must_change_password: 0 }).where("id", "=", me.id).execute();
    // Whoever knew the old password may hold a session: every other one ends.
    const ended = await trx
      .deleteFrom("staff_sessions")
      .where("staff_id", "=", me.id)
      .where("id_hash", "!=", me.sessionHash)
      .executeTakeFirst();
    const count = Number(ended.numDeletedRows);
    await appendAudit(trx, {
      ...me.actor,
      action: "auth.password_changed",
      targetType: "staff",
      targetId: String(me.id),
      before: { must_change_password: fromFlag(before.must_change_password) },
      after: { must_change_password: false, sessions_ended: count },
    });
    return count;
  });
  log.info({ event: "password_changed", actorId: me.id, ip: me.actor.ip, requestId, sessionsEnded });
  return ok({ sessionsEnded });
}
