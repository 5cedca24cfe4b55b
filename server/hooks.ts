// What the HTTP server needs from the application, and the only way it reaches the parts
// of it that hold state (the configuration, the log, the database, the response cache's
// store): one object, `hooks`, exported by app/entry.server.tsx with
// `satisfies ServerHooks` and read from the Remix build at start-up (remix.ts). Both
// sides import this interface, so renaming or retyping a member fails `tsc` on whichever
// side did not follow. Types only: nothing here runs, and server/ pulls no app module in
// through it (docs/decisions/013-typed-server.md).
import type { Logger } from "pino";
import type { Encoding, ResponseCache } from "~/modules/cache/response-cache.server";
import type { LimitState } from "~/modules/security/rate-limit.server";
import type { Env } from "~/utils/env.server";

export interface ServerHooks {
  /** The configuration, parsed once; throws with a message naming what is wrong. */
  getEnv(): Env;
  /** The application's JSON log (pino): the server's request lines go to it too. */
  log: Logger;
  /** Migrates the database, and seeds it when empty, before the server listens. */
  startup(): Promise<void>;
  /** Background work while serving (the mail sender, pruning old limit hits). */
  startBackground(): { stop(): Promise<void> };
  /** Closes the database, after the last connection has ended. */
  shutdown(): Promise<void>;
  /** The committed data version the response cache keys by (migration 009). */
  currentDataVersion(): Promise<number>;
  /** The same, synchronously, where the process has it at hand: SQLite, or PostgreSQL's pushed
   * version while it is known to be current (db/pushed-version.ts); else undefined. */
  committedDataVersion(): number | undefined;
  /** A response cache whose entries carry `headers` (the security headers) in their heads. */
  createResponseCache(headers: Record<string, string>): ResponseCache;
  /** The representation a client's Accept-Encoding asks for. */
  chooseEncoding(acceptEncoding: string | undefined): Encoding;
  /** Counts one POST from `clientIp` against WRITE_LIMIT_PER_MINUTE (in the database). */
  consumeWriteLimit(clientIp: string, requestId?: string): Promise<LimitState>;
  /** The staff session cookie's name: a request carrying it never touches the cache. */
  sessionCookieName(): string;
}
