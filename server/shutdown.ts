// Graceful shutdown on SIGTERM or SIGINT. Requests already sent are answered, none is cut,
// and the database closes only after the last connection has ended. The order below is
// what tests/resilience/shutdown.test.ts holds under load.
import type { Server } from "node:http";
import net from "node:net";
import type { Logger } from "pino";

/** A stuck request cannot hold the process longer than this. */
const HARD_LIMIT_MS = 10_000;
/** How long the listener stays open after the signal. */
const GRACE_MS = 1_500;
/** Idle keep-alive connections end this soon once shutting down. */
const KEEP_ALIVE_WHILE_STOPPING_MS = 1_000;

let stopping = false;

/** Whether a shutdown has begun: every answer from then on says `Connection: close`
 * (headers.ts), and the cache's fast path leaves requests to Express. */
export const isStopping = (): boolean => stopping;

export function stopGracefully(server: Server, { log, stop }: { log: Logger; stop(): Promise<void> }): void {
  for (const signal of ["SIGTERM", "SIGINT"] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      log.info({ event: "shutdown", signal });
      // Stop accepting new connections, but do not cut the open ones: http.Server.close()
      // would also drop "idle" keep-alive connections, and one may hold a request that the
      // busy event loop has not read yet. Instead every answer from now on says
      // `Connection: close`, and a connection with nothing more to say ends at its
      // keep-alive timeout. When the last one has ended, `stop` runs (the mail sender
      // stops and the database closes). A stuck request cannot hold the process past 10 s.
      // The listener stays open for a short grace first: connections the kernel already
      // accepted but a busy event loop has not taken yet would be reset by closing it.
      setTimeout(() => process.exit(1), HARD_LIMIT_MS).unref();
      server.keepAliveTimeout = KEEP_ALIVE_WHILE_STOPPING_MS;
      setTimeout(() => {
        net.Server.prototype.close.call(server, async () => {
          await stop();
          process.exit(0);
        });
      }, GRACE_MS);
    });
  }
}
