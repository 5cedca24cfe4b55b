// The budget for reads that cost a render: every GET the response cache does not answer
// counts, per client address, READ_LIMIT_PER_MINUTE a minute (429 past it). Cache hits
// are free, so a visitor reading what others read is never limited; one client walking
// uncached searches or inventing addresses is. Counted in memory, per server process: a
// read budget guards this process's event loop, and a database write per GET would cost
// more than many of the reads it limits.
import type { LimitState } from "./rate-limit.server";

const WINDOW_MS = 60_000;
/** Addresses remembered at most; past it the oldest windows are forgotten first. */
const MAX_ADDRESSES = 20_000;

export class ReadLimit {
  private windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly max: number) {}

  /** Counts one render for `address`; limited once its minute is used up. */
  take(address: string, now = Date.now()): LimitState {
    if (this.max <= 0) return { limited: false };
    let window = this.windows.get(address);
    if (!window || now - window.start >= WINDOW_MS) {
      this.windows.delete(address);
      if (this.windows.size >= MAX_ADDRESSES) this.forgetOld(now);
      window = { start: now, count: 0 };
      this.windows.set(address, window);
    }
    if (window.count >= this.max) {
      return { limited: true, retryAfterSeconds: Math.max(1, Math.ceil((window.start + WINDOW_MS - now) / 1000)) };
    }
    window.count++;
    return { limited: false };
  }

  private forgetOld(now: number) {
    // Map order is the order windows started: the oldest come first.
    for (const [address, window] of this.windows) {
      if (this.windows.size < MAX_ADDRESSES / 2 && now - window.start < WINDOW_MS) break;
      this.windows.delete(address);
    }
  }
}
