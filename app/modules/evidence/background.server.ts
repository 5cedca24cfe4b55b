// The background worker's evidence jobs (issue 18, docs/decisions/024): DNS proofs' re-checks
// and, when SECURITY_TXT_INTERVAL_HOURS is not 0, each active signatory's security.txt. Every
// instance runs them; each job claims its rows, so two instances never check one thing at once.
import type { DB } from "~/modules/database/db.server";
import { runDueDnsChecks } from "./dns-proof.server";

export interface EvidenceJobs {
  /** Runs every job once now (tests; the timer calls it too). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

export function startEvidenceChecks(
  db: DB,
  options: { everyMs: number; firstAfterMs: number; jobs: ((db: DB) => Promise<unknown>)[]; onError: (err: unknown) => void },
): EvidenceJobs {
  let running: Promise<void> | undefined;
  const tick = () => {
    running ??= (async () => {
      for (const job of [runDueDnsChecks, ...options.jobs]) {
        try {
          await job(db);
        } catch (err) {
          options.onError(err);
        }
      }
    })().finally(() => (running = undefined));
    return running;
  };
  let timer: NodeJS.Timeout | undefined = setTimeout(function again() {
    void tick().finally(() => {
      if (timer) timer = setTimeout(again, options.everyMs).unref();
    });
  }, options.firstAfterMs).unref();
  return {
    tick,
    async stop() {
      clearTimeout(timer);
      timer = undefined;
      await running;
    },
  };
}
