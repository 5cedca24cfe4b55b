// Two cheap filters against form-filling bots, for public forms without an account:
// - a honeypot: a field people never see (moved off screen; screen readers are told
//   to leave it empty) that naive bots fill in;
// - a minimum fill time: the form carries the moment it was served, signed with
//   SESSION_SECRET, and a submission sooner than MIN_FILL_MS after it is refused.
// Neither is a defence on its own; the per-address limit (rate-limit.server.ts) is.
import { createHmac, timingSafeEqual } from "node:crypto";
import { getEnv } from "~/utils/env.server";

export const HONEYPOT_FIELD = "url_confirm";
export const STARTED_FIELD = "form_started";
export const MIN_FILL_MS = 2_000;

const sign = (at: number) => createHmac("sha256", getEnv().SESSION_SECRET).update(`form-started:${at}`).digest("base64url");

/** The hidden field's value: when the form was served, and a signature over it. */
export function startedToken(now = Date.now()): string {
  return `${now}.${sign(now)}`;
}

export type FillTime = { ok: true; startedAt: number } | { ok: false; reason: "missing" | "invalid" | "too_fast" };

export function checkFillTime(value: unknown, now = Date.now(), minMs = MIN_FILL_MS): FillTime {
  if (typeof value !== "string" || value === "") return { ok: false, reason: "missing" };
  const match = /^(\d{13})\.([A-Za-z0-9_-]{43})$/.exec(value);
  if (!match) return { ok: false, reason: "invalid" };
  const at = Number(match[1]);
  const given = Buffer.from(match[2]);
  const expected = Buffer.from(sign(at));
  if (given.length !== expected.length || !timingSafeEqual(given, expected) || at > now) {
    return { ok: false, reason: "invalid" };
  }
  if (now - at < minMs) return { ok: false, reason: "too_fast" };
  return { ok: true, startedAt: at };
}

/** Whether the honeypot was filled in (sent more than once counts too). */
export function honeypotFilled(form: { getAll(name: string): unknown[] }): boolean {
  return form.getAll(HONEYPOT_FIELD).some((v) => typeof v !== "string" || v !== "");
}
