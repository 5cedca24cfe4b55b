// Refusals the server makes before any route runs, so that malformed input is a clear
// 4xx and never reaches code that would throw on it (CONTRACT §7).
import { decodeOrNull } from "~/utils/url";

/**
 * What is wrong with a request target (`req.url`: path and query), or null. Refused:
 * anything but an origin-form path, a malformed percent-escape anywhere, and `.`/`..`
 * segments (raw or escaped) — browsers resolve those before sending, so only tools
 * probing for a way around a path rule send them.
 */
export function requestTargetProblem(target: string): string | null {
  if (!target.startsWith("/")) return "The request must name a path on this site.";
  const q = target.indexOf("?");
  const path = q === -1 ? target : target.slice(0, q);
  for (const raw of path.split("/")) {
    const segment = decodeOrNull(raw);
    if (segment === null) return "The address contains a malformed percent-escape (such as %ff or a lone %).";
    if (segment === "." || segment === "..") return "The address contains a '.' or '..' segment.";
  }
  if (q !== -1) {
    for (const part of target.slice(q + 1).split("&")) {
      if (decodeOrNull(part.replace(/\+/g, " ")) === null) {
        return "The query string contains a malformed percent-escape (such as %ff or a lone %).";
      }
    }
  }
  return null;
}

const FORM_TYPES = new Set(["application/x-www-form-urlencoded", "multipart/form-data"]);

/** Whether a POST's Content-Type is one a form sends (every action here reads a form). */
export function isFormContentType(contentType: string | undefined): boolean {
  if (!contentType) return false;
  return FORM_TYPES.has(contentType.split(";")[0].trim().toLowerCase());
}
