// GET /signatories/:slug/logo: the signatory's approved logo (CONTRACT §8), PNG, or WebP with
// ?format=webp; 404 when it has none. Its pages link it as ?v=HASH: that address names one
// image for good, so browsers keep it for a year (immutable); without the matching v, an
// hour. Always an ETag (If-None-Match → 304). Never the uploaded file: a re-encoded image.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { notCached } from "~/modules/cache/cache-policy";
import { getDb } from "~/modules/database/db.server";
import { signatoryLogo } from "~/modules/logos/logos.server";
import { ifNoneMatch } from "~/utils/etag.server";

export const handle = notCached(
  "an image with its own ETag and long browser caching (its address changes with the image); the response cache keeps pages and data",
);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const format = url.searchParams.get("format") === "webp" ? "webp" : "png";
  const logo = await signatoryLogo(getDb(), params.slug ?? "", format);
  if (!logo) {
    return new Response("This signatory has no logo in the registry.", {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "public, max-age=300" },
    });
  }
  const etag = `"${logo.hash}-${format}"`;
  const headers = {
    "Content-Type": logo.contentType,
    ETag: etag,
    "Cache-Control": url.searchParams.get("v") === logo.hash ? "public, max-age=31536000, immutable" : "public, max-age=3600",
    // An image, never a document: nothing in it may run even if opened directly.
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cross-Origin-Resource-Policy": "cross-origin",
  };
  if (ifNoneMatch(request.headers.get("If-None-Match"), etag)) return new Response(null, { status: 304, headers });
  return new Response(logo.body, { status: 200, headers: { ...headers, "Content-Length": String(logo.body.length) } });
}
