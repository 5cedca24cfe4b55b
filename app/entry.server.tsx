// Remix's Node entry (streaming render; bots get the whole document at once), plus the
// hooks through which the HTTP server (server/) reaches the app: one typed object, read
// from the build at start-up (server/remix.ts, docs/decisions/013-typed-server.md).
import { PassThrough } from "node:stream";
import type { AppLoadContext, EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer, isRouteErrorResponse } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import type { ServerHooks } from "../server/hooks";
import { sessionCookieName } from "~/modules/auth/session.server";
import { ResponseCache, chooseEncoding } from "~/modules/cache/response-cache.server";
import { committedDataVersion, currentDataVersion, shutdown, startBackground, startup } from "~/modules/lifecycle.server";
import { consumeWriteLimit } from "~/modules/security/write-limit.server";
import { getEnv } from "~/utils/env.server";
import { log } from "~/utils/log.server";
import { NonceProvider } from "~/utils/nonce";
import { RequestIdProvider } from "~/utils/request-id";

/** What the server needs of the app (the interface is in server/hooks.ts). */
export const hooks = {
  getEnv,
  log,
  startup,
  startBackground,
  shutdown,
  currentDataVersion,
  committedDataVersion,
  createResponseCache: (headers) => new ResponseCache(headers),
  chooseEncoding,
  consumeWriteLimit,
  sessionCookieName,
} satisfies ServerHooks;

const ABORT_DELAY = 5_000;

export default function handleRequest(
  request: Request,
  responseStatusCode: number,
  responseHeaders: Headers,
  remixContext: EntryContext,
  loadContext: AppLoadContext,
) {
  const waitForAll = isbot(request.headers.get("user-agent") ?? "");
  return new Promise((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceProvider value={loadContext.nonce}>
        <RequestIdProvider value={loadContext.requestId ?? ""}>
          <RemixServer context={remixContext} url={request.url} abortDelay={ABORT_DELAY} />
        </RequestIdProvider>
      </NonceProvider>,
      {
        nonce: loadContext.nonce,
        [waitForAll ? "onAllReady" : "onShellReady"]() {
          shellRendered = true;
          const body = new PassThrough();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(
            new Response(createReadableStreamFromReadable(body), {
              headers: responseHeaders,
              status: responseStatusCode,
            }),
          );
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Errors after the shell are already streaming; log them so they are not lost.
          if (shellRendered) log.error({ event: "render_error", requestId: loadContext.requestId, err: error });
        },
      },
    );
    setTimeout(abort, ABORT_DELAY);
  });
}

/**
 * Unexpected errors in loaders and actions: logged with the request id the error page
 * shows. Remix's own 4xx answers (no such route, a method a route lacks) are the
 * client's mistake: logged at info without a stack, so anonymous clients cannot flood
 * the error log.
 */
export function handleError(error: unknown, { request, context }: { request: Request; context: AppLoadContext }) {
  if (request.signal.aborted) return;
  const path = new URL(request.url).pathname;
  if (isRouteErrorResponse(error) && error.status < 500) {
    log.info({ event: "client_error", requestId: context.requestId, path, status: error.status });
    return;
  }
  log.error({ event: "unhandled_error", requestId: context.requestId, path, err: error });
}
