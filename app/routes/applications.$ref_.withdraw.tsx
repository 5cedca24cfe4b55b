// GET /applications/:ref/withdraw?token=T: "Withdraw this application?", the confirmation
// page before an irreversible step (issue 14; GOV.UK's pattern), instead of a one-click
// button on the status page. Its form posts intent=withdraw to the status page, which does
// the withdrawing (as it always did for outside clients). A wrong token is a 404; an
// application that is no longer open goes back to its status page.
import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { CsrfField } from "~/components/csrf-field";
import { ErrorPage } from "~/components/error-page";
import { findByStatusToken } from "~/modules/applications/applications.server";
import { isOpen } from "~/modules/applications/status";
import { notCached } from "~/modules/cache/cache-policy";
import { getDb } from "~/modules/database/db.server";
import { csrfToken } from "~/modules/security/csrf.server";
import applyStyles from "~/styles/apply.css?url";
import { PRIVATE, privateHeaders } from "~/utils/cache-headers";

export const handle = notCached("an applicant's private page (its token is in the address)");

export const links: LinksFunction = () => [{ rel: "stylesheet", href: applyStyles }];

export const headers = privateHeaders;

export function ErrorBoundary() {
  return <ErrorPage />;
}

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `Withdraw application ${data.ref}? · Accord Registry` : "Application not found · Accord Registry" },
  { name: "robots", content: "noindex" },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token");
  const application = await findByStatusToken(getDb(), params.ref ?? "", token);
  if (!application || !token) {
    throw new Response("There is no application at this address. Open the status link from the registry's e-mail exactly as it is.", {
      status: 404,
      headers: { "Content-Type": "text/plain; charset=utf-8", ...PRIVATE },
    });
  }
  const statusPage = `/applications/${application.ref}?token=${token}`;
  // Decided or withdrawn meanwhile: nothing to confirm; the status page says what happened.
  if (!isOpen(application.status)) throw redirect(statusPage, { status: 303, headers: PRIVATE });
  return json({ ref: application.ref, name: application.name, token, statusPage, csrf: csrfToken(context) }, { headers: PRIVATE });
}

export default function ConfirmWithdrawal() {
  const data = useLoaderData<typeof loader>();
  return (
    <div className="apply confirm-page">
      <p className="breadcrumb">
        <Link to={data.statusPage}>Your application</Link> <span aria-hidden="true">›</span> Withdraw
      </p>
      <h1>Withdraw the application for {data.name}?</h1>
      <p className="reference">
        Reference <strong className="ref">{data.ref}</strong>
      </p>
      <div className="warning-text">
        <p>
          <strong>This cannot be undone.</strong> The moderators stop reviewing the application, and it cannot be reopened. You can apply
          again at any time with a new application.
        </p>
      </div>
      <Form method="post" action={data.statusPage} className="confirm-actions">
        <CsrfField token={data.csrf} />
        <input type="hidden" name="token" value={data.token} />
        <input type="hidden" name="intent" value="withdraw" />
        <button type="submit" className="button button-danger">
          Yes, withdraw the application
        </button>
        <Link to={data.statusPage} className="confirm-cancel">
          No, keep it and go back
        </Link>
      </Form>
    </div>
  );
}
