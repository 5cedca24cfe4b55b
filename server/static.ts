// The browser's files. Fingerprinted assets (/assets/*) are served for good (immutable), in
// the brotli or gzip twin the build made (server/precompress.ts) when the client accepts it;
// the rest of build/client briefly. Answers the Remix app renders past the response cache
// are compressed on the fly (the cache keeps its own compressed bytes).
import compression from "compression";
import express, { type RequestHandler } from "express";
import expressStaticGzip from "express-static-gzip";

/** /assets: fingerprinted, so cached for good, in the encoding the client accepts. */
export function assetFiles(clientDir: string): RequestHandler {
  // express-static-gzip declares Express 5's handler type; the middleware is the same.
  return expressStaticGzip(`${clientDir}/assets`, {
    enableBrotli: true,
    orderPreference: ["br", "gzip"],
    serveStatic: { immutable: true, maxAge: "1y", index: false },
  }) as unknown as RequestHandler;
}

/** The rest of build/client (favicon and the like): briefly cached. */
export function publicFiles(clientDir: string): RequestHandler {
  return express.static(clientDir, { maxAge: "1h", index: false, dotfiles: "ignore" });
}

/**
 * Compresses what the app renders past the cache (a form page, a search, the CSV), streamed
 * as it is written. Answers that already carry an encoding (cache hits) are left alone.
 */
export const compressRendered: RequestHandler = compression({ threshold: 1024 });
