// GET /apply/verify?token=T: the link of the application e-mail. Following it confirms the
// contact address: an unverified application becomes pending (the moderation queue). The
// one GET here that changes state, on purpose: the link must work in one click, without
// JavaScript, from any mail client; it is idempotent (docs/decisions/005-applications.md).
// An unknown token is a 404; an expired one a 410 with a form for a new link (POST).
import { ApplicantStatus } from "~/components/application-status";
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { json, redirect } from "@remix-run/node";
import { Form, isRouteErrorResponse, Link, useActionData, useLoaderData } from "@remix-run/react";
import { CsrfField } from "~/components/csrf-field";
import { resendVerification, verifyApplication } from "~/modules/applications/applications.server";
import { STATUS_EXPLANATION } from "~/modules/applications/status";
import { notCached } from "~/modules/cache/cache-policy";
import { getDb } from "~/modules/database/db.server";
import { assertSameSite, csrfToken } from "~/modules/security/csrf.server";
import { ErrorPage } from "~/components/error-page";
import { PRIVATE, privateHeaders } from "~/utils/cache-headers";
import applyStyles from "~/styles/apply.css?url";
import { log } from "~/utils/log.server";
import { errorMessage, type DomainError } from "~/modules/result";
import { errorHeaders, errorStatus } from "~/utils/http.server";

export const handle = notCached("a private verification link, and following it confirms the application");

export const links: LinksFunction = () => [{ rel: "stylesheet", href: applyStyles }];

// This route's own boundary, so its error answers (404 for a wrong token) carry its
// headers too: Remix takes a document's headers from the routes down to the boundary.
export function ErrorBoundary() {
  return <ErrorPage />;
}

export const headers = privateHeaders;

export const meta: MetaFunction<typeof loader> = ({ data, error }) => [
  {
    title:
      data?.state === "expired"
        ? "Verification link expired · Accord Registry"
        : data
          ? `Application ${data.ref} · Accord Registry`
          : isRouteErrorResponse(error) && error.status === 404
            ? "Verification link not valid · Accord Registry"
            : "Error · Accord Registry",
  },
  { name: "robots", content: "noindex" },
];

function notFound(error: DomainError): Response {
  return new Response(errorMessage(error), { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8", ...PRIVATE } });
}

export async function loader({ request, context }: LoaderFunctionArgs) {
  const token = new URL(request.url).searchParams.get("token");
  const verified = await verifyApplication(getDb(), token);
  if (!verified.ok) throw notFound(verified.error);
  const outcome = verified.value;
  if (outcome.state === "expired") {
    return json(
      { state: "expired" as const, ref: outcome.ref, token: token ?? "", csrf: csrfToken(context) },
      { status: 410, headers: PRIVATE },
    );
  }
  if (outcome.justNow) log.info({ event: "application_verified", requestId: context.requestId, ref: outcome.ref });
  return json(
    {
      state: "verified" as const,
      ref: outcome.ref,
      status: outcome.status,
      justNow: outcome.justNow,
      statusUrl: outcome.statusToken ? `/applications/${outcome.ref}?token=${outcome.statusToken}` : null,
    },
    { headers: PRIVATE },
  );
}

/** POST (intent=resend, token): a new verification link for an expired one. */
export async function action({ request, context }: ActionFunctionArgs) {
  const form = await request.formData().catch(() => new FormData());
  assertSameSite(request, context, form);
  const result = await resendVerification(getDb(), { verifyToken: form.get("token") });
  if (result.ok) {
    log.info({ event: "application_verification_resent", requestId: context.requestId, ref: result.value.ref });
    return redirect(`/apply/received?ref=${result.value.ref}&resent=1`, { status: 303, headers: PRIVATE });
  }
  if (result.error.kind === "not_found") throw notFound(result.error);
  return json(
    { message: errorMessage(result.error) },
    { status: errorStatus(result.error), headers: { ...PRIVATE, ...errorHeaders(result.error) } },
  );
}

export default function VerifyPage() {
  const data = useLoaderData<typeof loader>();
  const answer = useActionData<typeof action>();
  if (data.state === "expired") {
    return (
      <div className="apply apply-done">
        <h1>This verification link has expired</h1>
        <p className="reference">
          Reference <strong className="ref">{data.ref}</strong>
        </p>
        <p>
          Verification links work for 7 days, and this one is older. The application is kept: ask for a new link and we send it to the same
          contact address.
        </p>
        {answer ? (
          <div className="form-alert" role="alert">
            <p>{answer.message}</p>
          </div>
        ) : null}
        <Form method="post" action="/apply/verify" className="inline-form">
          <CsrfField token={data.csrf} />
          <input type="hidden" name="token" value={data.token} />
          <input type="hidden" name="intent" value="resend" />
          <button type="submit" className="button">
            Send me a new link
          </button>
        </Form>
      </div>
    );
  }
  return (
    <div className="apply apply-done">
      <h1>{data.justNow ? "Thank you: your e-mail address is confirmed" : "This address was already confirmed"}</h1>
      <p className="reference">
        Reference <strong className="ref">{data.ref}</strong>
      </p>
      <div className="notice notice-next" role="status">
        <p>
          Status: <ApplicantStatus status={data.status} />
        </p>
        <p>{STATUS_EXPLANATION[data.status]}</p>
      </div>
      {data.statusUrl ? (
        <p>
          <Link className="button" to={data.statusUrl} rel="noreferrer">
            Open your private status page
          </Link>
        </p>
      ) : (
        <p>Follow the application with the status link in the e-mail we sent you.</p>
      )}
      <p className="muted">Keep the status link to yourself: anyone who has it can see and withdraw the application.</p>
    </div>
  );
}
