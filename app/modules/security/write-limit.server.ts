// The general limit on writes: every POST counts, whatever the action, per client
// address (CONTRACT §7: 429). The actions' own limits (applications per hour, failed
// sign-ins) are finer; this one stops a client from hammering any form. server/limits.ts calls
// it before reading the body, so a refused request costs one small query.
import { getDb } from "~/modules/database/db.server";
import { getEnv } from "~/utils/env.server";
import { log } from "~/utils/log.server";
import { consumeLimit, type LimitState } from "./rate-limit.server";

/** `max` is the default; WRITE_LIMIT_PER_MINUTE overrides it (0 turns the limit off). */
export const WRITE_LIMIT = { bucket: "write", max: 60, windowMs: 60_000 } as const;

/** Counts one POST from `clientIp`; limited once the address used up its minute. */
export async function consumeWriteLimit(clientIp: string, requestId?: string): Promise<LimitState> {
  const state = await consumeLimit(getDb(), { ...WRITE_LIMIT, max: getEnv().WRITE_LIMIT_PER_MINUTE, key: clientIp });
  if (state.limited) log.warn({ event: "write_rate_limited", requestId, ip: clientIp });
  return state;
}
