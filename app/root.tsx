import type { HeadersFunction, LinksFunction, MetaFunction } from "@remix-run/node";
import {
  Link,
  Links,
  NavLink,
  Outlet,
  Scripts,
  ScrollRestoration,
  isRouteErrorResponse,
  useRouteLoaderData,
  type ShouldRevalidateFunction,
} from "@remix-run/react";
import type { ReactNode } from "react";
import { config as zodConfig } from "zod/v4/core";
import { ErrorPage } from "~/components/error-page";
import { PageMeta } from "~/components/page-meta";
import { StaffLink } from "~/components/staff-link";
import stylesheet from "~/styles/app.css?url";
import contentStyles from "~/styles/content.css?url";
import { useNonce } from "~/utils/nonce";
import { ACCORD_LAUNCH, FOUNDING_SIGNATORIES } from "~/modules/accord";
import { formatDate } from "~/utils/format";
import { getEnv } from "~/utils/env.server";

// zod 4 probes for eval (new Function) as it builds a schema, to compile fast parsers;
// the CSP blocks that, and the browser reports a violation on every form page. Its
// interpreter is all the browser needs. (Set here, before any route builds a schema.)
if (typeof document !== "undefined") zodConfig({ jitless: true });

// An error answered here keeps its Retry-After (a search over its budget, decision 023):
// Remix passes only cookies from a thrown response to the document unless a route says so.
export const headers: HeadersFunction = ({ errorHeaders }) => {
  const headers = new Headers();
  const retryAfter = errorHeaders?.get("Retry-After");
  if (retryAfter) headers.set("Retry-After", retryAfter);
  return headers;
};

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: stylesheet },
  // Provenance, coverage and the institution's pages (issue 13): the footer uses it too.
  { rel: "stylesheet", href: contentStyles },
  { rel: "icon", href: "/favicon.svg", type: "image/svg+xml" },
  { rel: "alternate", type: "application/atom+xml", title: "Accord Registry: joins and withdrawals", href: "/feed.xml" },
];

/** The institution's configuration every page may show (CONTRACT §8): all of it public. */
export async function loader() {
  const env = getEnv();
  return { site: { publicUrl: env.PUBLIC_URL, operator: env.OPERATOR_NAME, contactEmail: env.CONTACT_EMAIL } };
}

// The configuration does not change while the server runs: fetched with the first page only.
export const shouldRevalidate: ShouldRevalidateFunction = () => false;

/** The institution's pages, linked from every page's footer. */
const INSTITUTION = [
  { to: "/about", label: "About" },
  { to: "/methodology", label: "Methodology" },
  { to: "/open-data", label: "Open data" },
  { to: "/privacy", label: "Privacy" },
  { to: "/accessibility", label: "Accessibility" },
  { to: "/contact", label: "Contact" },
];

// Routes set their own titles; this one only speaks when the root error page shows.
export const meta: MetaFunction = ({ error }) => {
  if (!error) return [];
  const status = isRouteErrorResponse(error) ? error.status : 500;
  const title = status === 404 ? "Page not found" : status === 400 ? "Invalid request" : "Error";
  return [{ title: `${title} · Accord Registry` }];
};

const NAV = [
  { to: "/signatories", label: "Directory" },
  { to: "/pledges", label: "Pledges" },
  { to: "/stats", label: "Stats" },
  { to: "/apply", label: "Apply" },
];

export function Layout({ children }: { children: ReactNode }) {
  const nonce = useNonce();
  const site = useRouteLoaderData<typeof loader>("root")?.site;
  return (
    <html lang="en">
      <head>
        <meta charSet="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light" />
        <PageMeta />
        <Links />
      </head>
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <div className="container header-inner">
            <Link to="/" className="brand">
              <span className="brand-mark" aria-hidden="true">
                ◆
              </span>{" "}
              Accord Registry
            </Link>
            <nav aria-label="Main">
              <ul className="nav-list">
                {NAV.map((item) => (
                  <li key={item.to}>
                    <NavLink to={item.to} prefetch="intent">
                      {item.label}
                    </NavLink>
                  </li>
                ))}
              </ul>
            </nav>
          </div>
        </header>
        <main id="main" className="container" tabIndex={-1}>
          {children}
        </main>
        <footer className="site-footer">
          <div className="container">
            <p>
              Accord Registry is the public record of the companies that signed the Cybersecurity Tech Accord, since its launch by{" "}
              {FOUNDING_SIGNATORIES} companies on {formatDate(ACCORD_LAUNCH)}.
            </p>
            <p>
              Open data: <a href="/api/v1/signatories">JSON API</a> (<a href="/api/v1/openapi.json">OpenAPI</a>),{" "}
              <a href="/signatories.csv?status=all">CSV</a>, <a href="/feed.xml">Atom feed</a>, <a href="/stats">statistics</a> and{" "}
              <a href="/transparency">moderation figures</a>. Facts come from public reporting of the accord; a company that signs today
              reaches the registry through its application process.
            </p>
            <nav aria-label="About the registry">
              <ul className="footer-links">
                {INSTITUTION.map((item) => (
                  <li key={item.to}>
                    <Link to={item.to}>{item.label}</Link>
                  </li>
                ))}
                <li>
                  <StaffLink />
                </li>
              </ul>
            </nav>
            {site ? (
              <p>
                Run by {site.operator}. Write to <a href={`mailto:${site.contactEmail}`}>{site.contactEmail}</a>.
              </p>
            ) : null}
          </div>
        </footer>
        <ScrollRestoration nonce={nonce} />
        <Scripts nonce={nonce} />
      </body>
    </html>
  );
}

export default function App() {
  return <Outlet />;
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
