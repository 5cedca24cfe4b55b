// Where to go after signing in: only a path on this site. Everything else (another host,
// a scheme such as javascript:, protocol-relative //host, the backslash trick /\host that
// browsers read as //host, control characters) falls back to the default.

const DEFAULT_AFTER_SIGN_IN = "/moderation";

export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback = DEFAULT_AFTER_SIGN_IN): string {
  if (typeof to !== "string" || to.length === 0 || to.length > 2000) return fallback;
  if (!isLocalPath(to) || to.includes("\\")) return fallback;
  // Control characters and spaces are stripped by browsers in surprising places.
  if (/[\u0000-\u0020\u007f]/.test(to)) return fallback;
  const base = "http://registry.invalid";
  let url: URL;
  try {
    url = new URL(to, base);
  } catch {
    return fallback;
  }
  if (url.origin !== base) return fallback;
  // Never back to the sign-in or sign-out pages themselves.
  if (url.pathname === "/login" || url.pathname === "/logout") return fallback;
  // Judge what is returned, not what came in: resolving dot segments can turn a path
  // into a protocol-relative address ("/.//evil.example" → "//evil.example").
  const result = `${url.pathname}${url.search}${url.hash}`;
  return isLocalPath(result) ? result : fallback;
}

/** A path a browser resolves on this site: one leading slash, then no slash or backslash. */
function isLocalPath(path: string): boolean {
  return path.startsWith("/") && path[1] !== "/" && path[1] !== "\\";
}

/** The address of the page a request was for, as a redirectTo value (Remix's own query
 * parameters, _data and index, left out). */
export function returnPath(request: Request): string {
  const url = new URL(request.url);
  url.searchParams.delete("_data");
  url.searchParams.delete("index");
  const search = url.searchParams.toString();
  return `${url.pathname}${search ? `?${search}` : ""}`;
}
