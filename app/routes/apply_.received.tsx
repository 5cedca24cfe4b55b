// GET /apply/received?ref=REF: where a successful application lands (303 after POST /apply).
// It needs no token and shows no personal data: only the reference and what comes next.
import type { HeadersFunction, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { refExists } from "~/modules/applications/applications.server";
import { notCached } from "~/modules/cache/cache-policy";
import { getDb } from "~/modules/database/db.server";
import applyStyles from "~/styles/apply.css?url";
import { httpError } from "~/utils/http.server";

export const handle = notCached("an applicant's page, like every page of applying (issue 6)");

export const links: LinksFunction = () => [{ rel: "stylesheet", href: applyStyles }];

// An applicant's page, like every page of applying: no cache keeps it (issue 6).
export const headers: HeadersFunction = () => ({ "Cache-Control": "no-store" });

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Application ${data.ref} received · Accord Registry` : "Application not found · Accord Registry" },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const ref = url.searchParams.get("ref") ?? "";
  if (!(await refExists(getDb(), ref))) throw httpError(404, "There is no application with this reference.");
  return { ref, resent: url.searchParams.get("resent") === "1" };
}

export default function ApplicationReceived() {
  const { ref, resent } = useLoaderData<typeof loader>();
  return (
    <div className="apply apply-done">
      <h1>{resent ? "A new link is on its way" : "Application received"}</h1>
      <p className="reference">
        Reference <strong className="ref">{ref}</strong>
      </p>
      <div className="notice notice-next" role="status">
        <h2>Check your e-mail</h2>
        <p>
          {resent
            ? "We sent a new verification link to the contact address of the application. Earlier links no longer work."
            : "We sent a message to the contact address you gave, with a link to confirm it."}{" "}
          Open that link within 7 days: only confirmed applications reach the moderators.
        </p>
        <p>
          The message also holds the link to your private status page, where you can follow the application, answer a request for changes or
          withdraw it. Keep it to yourself.
        </p>
      </div>
      <p className="muted">
        No message after a few minutes? Look in the spam folder. Quote the reference <span className="nowrap">{ref}</span> if you write to
        us.
      </p>
      <p>
        <Link to="/signatories">Browse the directory</Link>
      </p>
    </div>
  );
}
