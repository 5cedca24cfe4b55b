// The error page every route shares: clear words, no internals (no stack, no SQL). A
// server error names its error id (the request id): the log has the stack under it
// (handleError in entry.server.tsx). Staff pages point back to the queue instead of the
// directory.
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

export function ErrorPage({ area = "public" }: { area?: keyof typeof WAYS_ON }) {
  const error = useRouteError();
  const requestId = useRequestId();
  let serverError = true;
  let title = "Something went wrong";
  let message = "The registry could not show this page. Please try again in a moment.";
  if (isRouteErrorResponse(error)) {
    serverError = error.status >= 500;
    const given = typeof error.data === "string" && error.data ? error.data : null;
    if (error.status === 404) {
      title = "Page not found";
      message = given ?? "There is no page at this address. It may have moved, or the link may be mistyped.";
    } else if (error.status === 403) {
      title = "Not allowed";
      message = given ?? "Your account cannot open this page.";
    } else if (error.status < 500) {
      title = error.status === 400 ? "This request cannot be answered" : `Error ${error.status}`;
      message = given ?? error.statusText;
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
