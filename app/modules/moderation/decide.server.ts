// Decisions on applications, each ONE transaction that starts with a conditional update of
// the application's status. Of two moderators deciding at once, the second one's update
// matches no row (the status moved on), so it writes nothing else and answers "already
// decided": exactly one signatory, one audit entry, one mail.
import { toFlag } from "../../../db/booleans";
import type { ApplicationStatus } from "../../../db/schema";
import { appendAudit } from "~/modules/audit/audit.server";
import type { StaffUser } from "~/modules/auth/require-staff.server";
import type { DB } from "~/modules/database/db.server";
import { createSignatory } from "~/modules/directory/write.server";
import { APPLICATION_STATUS_LABEL } from "~/modules/applications/status";
import { approveApplicationLogo } from "~/modules/logos/logos.server";
import { enqueueMail } from "~/modules/mail/outbox.server";
import { fail, ok, type Failure, type Result } from "~/modules/result";
import { hasDnsProof } from "~/modules/evidence/dns-proof.server";
import { getEnv } from "~/utils/env.server";
import { approvedMail, changesRequestedMail, rejectedMail } from "./mails.server";
import { DECIDABLE_STATUSES } from "./constants";

type Moderator = Pick<StaffUser, "id" | "actor">;

export const APPLICATION_NOT_FOUND = "There is no application with this reference.";
const notFound = () => fail({ kind: "not_found", message: APPLICATION_NOT_FOUND });

/** Why nothing was written: someone else decided (or changed) the application first. */
function alreadyDecided(intent: keyof typeof FROM, status: ApplicationStatus): Failure {
  const message =
    status === "unverified"
      ? "This application is not in the queue yet: its contact has not verified their e-mail address. Nothing was changed."
      : intent === "request_changes" && status === "changes_requested"
        ? "Changes were already requested by someone else; nothing was changed. The page now shows the current state."
        : `This application was already decided (it is now ${APPLICATION_STATUS_LABEL[status].toLowerCase()}); nothing was changed. The page now shows the current state.`;
  return fail({ kind: "conflict", message });
}

const FROM: Record<"approve" | "reject" | "request_changes", readonly ApplicationStatus[]> = {
  approve: DECIDABLE_STATUSES,
  reject: DECIDABLE_STATUSES,
  // Asking again while the applicant has not answered yet would only confuse them.
  request_changes: ["pending"],
};

const TO = { approve: "approved", reject: "rejected", request_changes: "changes_requested" } as const;

/**
 * Moves the application from one of the allowed statuses to the new one, or answers that
 * it was already decided (nothing written) when its status is no longer one of them.
 */
async function claim(trx: DB, ref: string, intent: keyof typeof FROM, reason: string | null) {
  const before = await trx.selectFrom("applications").selectAll().where("ref", "=", ref).executeTakeFirst();
  if (!before) return notFound();
  const now = new Date().toISOString();
  const result = await trx
    .updateTable("applications")
    .set({
      status: TO[intent],
      decision_reason: reason,
      updated_at: now,
      ...(intent === "request_changes" ? {} : { decided_at: now }),
    })
    .where("id", "=", before.id)
    .where("status", "in", FROM[intent])
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) !== 1) {
    const current = await trx.selectFrom("applications").select("status").where("id", "=", before.id).executeTakeFirstOrThrow();
    return alreadyDecided(intent, current.status);
  }
  return ok({ app: before, now });
}

async function event(
  trx: DB,
  applicationId: number,
  kind: "approved" | "rejected" | "changes_requested",
  reason: string | null,
  by: Moderator,
  at: string,
) {
  await trx
    .insertInto("application_events")
    .values({ application_id: applicationId, kind, reason, actor: `staff:${by.id}`, created_at: at })
    .execute();
}

/** The earliest day a pledge can be endorsed by someone joining on `joinedOn`. */
function endorsedOn(joinedOn: string, introducedOn: string): string {
  return introducedOn > joinedOn ? introducedOn : joinedOn;
}

/** Why an application cannot be approved while REQUIRE_DNS_PROOF=1 and it has no DNS proof. */
export const DNS_PROOF_REQUIRED =
  "This registry requires a DNS proof of domain control before approval (REQUIRE_DNS_PROOF), and this application has none for its domain. Ask the applicant to publish the TXT record shown on their status page and check it, or request changes. Nothing was changed.";

export async function approveApplication(db: DB, ref: string, joinedOn: string, by: Moderator): Promise<Result<{ slug: string }>> {
  return db.transaction().execute(async (trx) => {
    if (getEnv().REQUIRE_DNS_PROOF) {
      const proof = await trx
        .selectFrom("applications")
        .select(["domain", "dns_proof_domain", "dns_proof_confirmed_at"])
        .where("ref", "=", ref)
        .executeTakeFirst();
      if (proof && !hasDnsProof(proof)) return fail({ kind: "conflict", message: DNS_PROOF_REQUIRED });
    }
    const claimed = await claim(trx, ref, "approve", null);
    if (!claimed.ok) return claimed;
    const { app, now } = claimed.value;
    const pledges = await trx
      .selectFrom("pledges")
      .select(["code", "introduced_on"])
      .where((eb) =>
        eb.or([
          eb("required", "=", toFlag(true)),
          eb("code", "in", eb.selectFrom("application_pledges").select("pledge_code").where("application_id", "=", app.id)),
        ]),
      )
      .orderBy("position")
      .execute();
    const signatoryId = await createSignatory(trx, {
      name: app.name,
      website: app.website,
      country: app.country,
      sector: app.sector,
      description: app.description,
      joined_on: joinedOn,
      founding: false,
      pledges: pledges.map((p) => ({ code: p.code, endorsed_on: endorsedOn(joinedOn, p.introduced_on) })),
    });
    await trx.updateTable("applications").set({ signatory_id: signatoryId }).where("id", "=", app.id).execute();
    // The logo sent with the application (if any) is approved with it (issue 14).
    const logo = await approveApplicationLogo(trx, app.id, signatoryId);
    const { slug } = await trx.selectFrom("signatories").select("slug").where("id", "=", signatoryId).executeTakeFirstOrThrow();
    await event(trx, app.id, "approved", null, by, now);
    await appendAudit(trx, {
      ...by.actor,
      action: "application.approve",
      targetType: "application",
      targetId: app.ref,
      before: { status: app.status },
      after: { status: "approved", signatory: slug, joined_on: joinedOn, pledges: pledges.map((p) => p.code), logo },
    });
    await enqueueMail(trx, approvedMail(app, { slug, joined_on: joinedOn }));
    return ok({ slug });
  });
}

export async function rejectApplication(db: DB, ref: string, reason: string, by: Moderator): Promise<Result> {
  return db.transaction().execute(async (trx) => {
    const claimed = await claim(trx, ref, "reject", reason);
    if (!claimed.ok) return claimed;
    const { app, now } = claimed.value;
    await event(trx, app.id, "rejected", reason, by, now);
    await appendAudit(trx, {
      ...by.actor,
      action: "application.reject",
      targetType: "application",
      targetId: app.ref,
      // What a moderator writes to an applicant can name its contact: erasable (decision 017).
      personal: { reason },
      before: { status: app.status },
      after: { status: "rejected" },
    });
    await enqueueMail(trx, rejectedMail(app, reason));
    return ok();
  });
}

export async function requestChanges(db: DB, ref: string, reason: string, by: Moderator): Promise<Result> {
  return db.transaction().execute(async (trx) => {
    const claimed = await claim(trx, ref, "request_changes", reason);
    if (!claimed.ok) return claimed;
    const { app, now } = claimed.value;
    await event(trx, app.id, "changes_requested", reason, by, now);
    await appendAudit(trx, {
      ...by.actor,
      action: "application.request_changes",
      targetType: "application",
      targetId: app.ref,
      personal: { reason },
      before: { status: app.status },
      after: { status: "changes_requested" },
    });
    await enqueueMail(trx, changesRequestedMail(app, reason));
    return ok();
  });
}

/** An internal note; possible in any status (a decided application can still be annotated). */
export async function addNote(db: DB, ref: string, body: string, by: Moderator): Promise<Result> {
  return db.transaction().execute(async (trx) => {
    const app = await trx.selectFrom("applications").select(["id", "ref"]).where("ref", "=", ref).executeTakeFirst();
    if (!app) return notFound();
    const { id } = await trx
      .insertInto("application_notes")
      .values({ application_id: app.id, staff_id: by.id, body, created_at: new Date().toISOString() })
      .returning("id")
      .executeTakeFirstOrThrow();
    await appendAudit(trx, {
      ...by.actor,
      action: "application.note",
      targetType: "application",
      targetId: app.ref,
      after: { note: id },
      personal: { body },
    });
    return ok();
  });
}
