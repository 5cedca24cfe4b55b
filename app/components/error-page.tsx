// The error page every route shares: clear words, no internals (no stack, no SQL). A
// server error names its error id (the request id): the log has the stack under it
// (handleError in entry.server.tsx). Staff pages point back to the queue instead of the
// directory. A 503 that a route answered on purpose (a search over its budget or a busy
// pool, decision 023) shows the message it carries; a 500 always shows the generic text.
import { Link, isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { useRequestId } from "~/utils/request-id";

const WAYS_ON = {
  public: [
    { to: "/", label: "Go to the home page" },
    { to: "/signatories", label: "browse the directory" },
  ],
  staff: [
    { to: "/moderation", label: "Go to the moderation queue" },
    { to: "/", label: "the public registry" },
  ],
} as const;

/** The message a deliberate error response carries: a string, or the API's error shape
 * `{"error": {"message"}}` (a thrown searchUnavailable response arrives parsed as JSON). */
function givenMessage(data: unknown): string | null {
  if (typeof data === "string") return data || null;
  if (typeof data === "object" && data !== null && "error" in data) {
    const inner = (data as { error: unknown }).error;
    if (typeof inner === "object" && inner !== null && "message" in inner) {
      const message = (inner as { message: unknown }).message;
      if (typeof message === "string" && message) return message;
    }
  }
  return null;
}

export function ErrorPage({ area = "public" }: { area?: keyof typeof WAYS_ON }) {
  const error = useRouteError();
  const requestId = useRequestId();
  let serverError = true;
  let title = "Something went wrong";
  let message = "The registry could not show this page. Please try again in a moment.";
  if (isRouteErrorResponse(error)) {
    serverError = error.status >= 500;
    const given = givenMessage(error.data);
    if (error.status === 404) {
      title = "Page not found";
      message = given ?? "There is no page at this address. It may have moved, or the link may be mistyped.";
    } else if (error.status === 403) {
      title = "Not allowed";
      message = given ?? "Your account cannot open this page.";
    } else if (error.status < 500) {
      title = error.status === 400 ? "This request cannot be answered" : `Error ${error.status}`;
      message = given ?? error.statusText;
    } else if (error.status === 503 && given) {
      // Deliberate and temporary: the route says why and when to come back (Retry-After).
      title = "Please try again in a moment";
      message = given;
    }
  }
  const [first, second] = WAYS_ON[area];
  return (
    <section className="error-page" aria-labelledby="error-title">
      <h1 id="error-title">{title}</h1>
      <p className="error-message">{message}</p>
      {serverError && requestId ? (
        <p className="error-id" data-error-id={requestId}>
          If you report this problem, quote the error id <code>{requestId}</code>.
        </p>
      ) : null}
      <p>
        <Link to={first.to}>{first.label}</Link> or <Link to={second.to}>{second.label}</Link>.
      </p>
    </section>
  );
}
