// Reading the audit log for /moderation/audit: newest first, filtered by actor, action
// and target, a page at a time. What someone typed at a failed sign-in (the e-mail
// address of an auth.rate_limited entry: often a mistyped address or even a password
// typed in the wrong field) is shown to admins only; moderators see it redacted.
import type { StaffRole } from "../../../db/schema";
import type { DB } from "~/modules/database/db.server";
import { personalValues } from "~/modules/audit/audit.server";

const AUDIT_PAGE_SIZE = 50;

/** What a moderator sees instead of text typed at a failed sign-in. */
const HIDDEN_FROM_MODERATORS = "hidden: admins only";

/** Target types whose id is text someone typed at the sign-in form, not a record of ours. */
const TYPED_TARGET_TYPES = ["login"];

export interface AuditFilter {
  actor?: string;
  action?: string;
  /** "type:id" (application:AR-7K3M9QX2) or an id alone (a ref, a slug). */
  target?: string;
  page: number;
}

export async function listAudit(db: DB, filter: AuditFilter, viewer: { role: StaffRole }) {
  const admin = viewer.role === "admin";
  let base = db.selectFrom("audit_log");
  if (filter.actor) base = base.where("actor", "=", filter.actor);
  if (filter.action) base = base.where("action", "=", filter.action);
  if (filter.target) {
    const at = filter.target.indexOf(":");
    base =
      at > 0
        ? base.where("target_type", "=", filter.target.slice(0, at)).where("target_id", "=", filter.target.slice(at + 1))
        : base.where("target_id", "=", filter.target);
    // Filtering on a typed text would tell a moderator whether it was typed.
    if (!admin) base = base.where("target_type", "not in", TYPED_TARGET_TYPES);
  }
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as("total")).executeTakeFirstOrThrow();
  const rows = await base
    .select([
      "id",
      "at",
      "actor",
      "actor_label",
      "action",
      "target_type",
      "target_id",
      "reason",
      "before_json",
      "after_json",
      "ip",
      "personal_json",
      "personal_erased_at",
    ])
    .orderBy("id", "desc")
    .limit(AUDIT_PAGE_SIZE)
    .offset((filter.page - 1) * AUDIT_PAGE_SIZE)
    .execute();
  const count = Number(total);
  const shown = rows.map(({ personal_json, personal_erased_at, ...row }) => {
    const hidden = !admin && TYPED_TARGET_TYPES.includes(row.target_type);
    const entry = { ...row, ...erasable(personal_json, personal_erased_at) };
    return hidden ? { ...entry, target_id: HIDDEN_FROM_MODERATORS, before_json: null, after_json: null, hidden } : { ...entry, hidden };
  });
  return { rows: shown, total: count, page: filter.page, pages: Math.max(1, Math.ceil(count / AUDIT_PAGE_SIZE)) };
}

/** An entry's erasable part as the pages show it: the reason (or a note's text) while it is
 * there, and when it was erased once it is not (decision 017). */
function erasable(personalJson: string | null, erasedAt: string | null) {
  const values = personalValues(personalJson);
  return { personalText: values ? (values.reason ?? values.body ?? null) : null, personalErasedAt: erasedAt };
}

/** Everyone who appears in the log, with the latest label they had, for the filter. */
export async function auditActors(db: DB) {
  const rows = await db
    .selectFrom("audit_log")
    .select(["actor", (eb) => eb.fn.max("id").as("last")])
    .groupBy("actor")
    .execute();
  if (rows.length === 0) return [];
  const labels = await db
    .selectFrom("audit_log")
    .select(["actor", "actor_label"])
    .where(
      "id",
      "in",
      rows.map((r) => Number(r.last)),
    )
    .execute();
  return labels.map((l) => ({ actor: l.actor, label: l.actor_label })).sort((a, b) => a.label.localeCompare(b.label, "en"));
}

/** The latest entries about one record (a signatory's slug, an application's reference). */
export async function recentAuditOf(db: DB, targetType: string, targetId: string, limit = 10) {
  const rows = await db
    .selectFrom("audit_log")
    .select(["id", "at", "actor_label", "action", "reason", "personal_json"])
    .where("target_type", "=", targetType)
    .where("target_id", "=", targetId)
    .orderBy("id", "desc")
    .limit(limit)
    .execute();
  return rows.map(({ personal_json, ...row }) => {
    const values = personalValues(personal_json);
    return { ...row, reason: row.reason ?? values?.reason ?? null };
  });
}
