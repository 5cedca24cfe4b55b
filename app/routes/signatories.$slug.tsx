import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { CiteBlock, CopyButton, SourcesSection } from "~/components/provenance";
import { StatusBadge } from "~/components/status-badge";
import { SignatoryLogo } from "~/components/signatory-logo";
import { DnsProofFact } from "~/components/dns-proof";
import { SecurityContactFact } from "~/components/security-contact";
import { publicEvidence } from "~/modules/evidence/security-contact.server";
import { logoHashes } from "~/modules/logos/logos.server";
import { cacheable } from "~/modules/cache/cache-policy";
import { countryName } from "~/modules/countries";
import { getDb } from "~/modules/database/db.server";
import { getSignatory } from "~/modules/directory/directory.server";
import { badgeEmbed } from "~/modules/opendata/badge.server";
import stylesheet from "~/styles/opendata.css?url";
import { citeRecord, signatoryJsonLd } from "~/modules/provenance/cite";
import { getEnv, publicUrl } from "~/utils/env.server";
import { displayHost, formatDate, formatDateAt, isoAt } from "~/utils/format";
import { httpError } from "~/utils/http.server";
import { SIGNATORY_EVENT_LABEL } from "~/modules/directory/events";

// Cached for anonymous visitors (cache-policy.ts); it reads no query parameter. Its evidence
// (the DNS proof on applications, the security contact in security_contacts) lives in public
// tables (db/migrations/public-data.ts): a new check or proof moves the data version.
export const handle = cacheable();

export const links: LinksFunction = () => [{ rel: "stylesheet", href: stylesheet }];

export async function loader({ params }: LoaderFunctionArgs) {
  const signatory = await getSignatory(getDb(), params.slug ?? "");
  if (!signatory) throw httpError(404, "No signatory of the Tech Accord has this address.");
  const url = publicUrl(`/signatories/${signatory.slug}`);
  const [logos, evidence] = await Promise.all([logoHashes(getDb(), [signatory.slug]), publicEvidence(getDb(), signatory.slug)]);
  return {
    logo: logos.get(signatory.slug) ?? null,
    provenAt: evidence.provenAt,
    securityContact: evidence.securityContact,
    signatory: { ...signatory, country_name: countryName(signatory.country) },
    url,
    badge: badgeEmbed(signatory, publicUrl),
    // The access date is today's: the response cache keeps a page for one day at most.
    citation: citeRecord({ ...signatory, url }, { operator: getEnv().OPERATOR_NAME, accessedOn: new Date().toISOString().slice(0, 10) }),
    jsonLd: signatoryJsonLd(signatory, url),
  };
}

export const meta: MetaFunction<typeof loader> = ({ data }) => {
  if (!data) return [{ title: "Signatory not found · Accord Registry" }];
  const s = data.signatory;
  const joined = s.joined_precision === "day" ? `on ${formatDate(s.joined_on)}` : `in ${formatDateAt(s.joined_on, s.joined_precision)}`;
  const description = `${s.name} (${s.country_name}, ${s.sector_name}) signed the Cybersecurity Tech Accord ${joined}. ${s.description}`;
  return [
    { title: `${s.name} · Accord Registry` },
    { name: "description", content: description },
    { property: "og:type", content: "profile" },
    { property: "og:title", content: `${s.name}, signatory of the Cybersecurity Tech Accord` },
    { property: "og:description", content: description },
    { property: "og:url", content: data.url },
    { property: "og:site_name", content: "Accord Registry" },
    { tagName: "link", rel: "canonical", href: data.url },
    { "script:ld+json": data.jsonLd },
  ];
};

export default function SignatoryPage() {
  const { signatory: s, badge, citation, url, logo, provenAt, securityContact } = useLoaderData<typeof loader>();
  // Pledges taken on joining share the join date's precision ("September 2018").
  const endorsed = (on: string) =>
    on === s.joined_on ? (
      <time dateTime={isoAt(on, s.joined_precision)}>{formatDateAt(on, s.joined_precision)}</time>
    ) : (
      <time dateTime={on}>{formatDate(on)}</time>
    );
  return (
    <article className="signatory record" aria-labelledby="signatory-name">
      <p className="breadcrumb">
        <Link to="/signatories">Directory</Link> <span aria-hidden="true">›</span> {s.name}
      </p>
      <header className="signatory-header">
        <div className="signatory-title">
          <SignatoryLogo slug={s.slug} name={s.name} logo={logo} size="large" />
          <h1 id="signatory-name">{s.name}</h1>
        </div>
        <p className="lead">{s.description}</p>
      </header>

      {/* The record's facts, first: one row each, its evidence (DNS proof, security contact) last (issue 18). */}
      <dl className="facts record-facts" aria-label={`Facts about ${s.name}`}>
        <div>
          <dt>Headquarters</dt>
          <dd>{s.country_name}</dd>
        </div>
        <div>
          <dt>Sector</dt>
          <dd>
            <Link to={`/signatories?sector=${s.sector}`}>{s.sector_name}</Link>
          </dd>
        </div>
        <div>
          <dt>Joined</dt>
          <dd>
            <time dateTime={isoAt(s.joined_on, s.joined_precision)}>{formatDateAt(s.joined_on, s.joined_precision)}</time>
            {s.founding ? " (at the accord's launch)" : ""}
            {s.joined_precision !== "day" ? ` (the sources give the ${s.joined_precision} only)` : ""}
          </dd>
        </div>
        <div>
          <dt>Status</dt>
          <dd className="record-status">
            <StatusBadge status={s.status} />
            {s.founding ? <span className="badge badge-founding">Founding signatory</span> : null}
          </dd>
        </div>
        {s.withdrawn_on ? (
          <div>
            <dt>Withdrew</dt>
            <dd>
              <time dateTime={s.withdrawn_on}>{formatDate(s.withdrawn_on)}</time>
            </dd>
          </div>
        ) : null}
        <div>
          <dt>Website</dt>
          <dd>
            <a href={s.website} rel="noopener noreferrer external">
              {displayHost(s.website)}
            </a>
          </dd>
        </div>
        {s.former_names ? (
          <div>
            <dt>Formerly</dt>
            <dd>{s.former_names}</dd>
          </div>
        ) : null}
        <DnsProofFact provenAt={provenAt} />
        <SecurityContactFact security={securityContact} />
      </dl>

      {s.notes ? (
        <aside className="note" aria-label="Note">
          <h2>Note</h2>
          <p>{s.notes}</p>
        </aside>
      ) : null}

      <section aria-labelledby="pledges-heading">
        <h2 id="pledges-heading">Pledges</h2>
        {s.pledges.length === 0 ? (
          <p>No pledge is recorded for this signatory.</p>
        ) : (
          <table className="table">
            <caption className="visually-hidden">Pledges endorsed by {s.name}, with dates</caption>
            <thead>
              <tr>
                <th scope="col">Pledge</th>
                <th scope="col">Kind</th>
                <th scope="col">Endorsed</th>
              </tr>
            </thead>
            <tbody>
              {s.pledges.map((p) => (
                <tr key={p.code}>
                  <th scope="row">
                    <Link to={`/pledges#${p.code}`}>{p.title}</Link>
                  </th>
                  <td>{p.required ? "Principle" : "Later commitment"}</td>
                  <td>{endorsed(p.endorsed_on)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section aria-labelledby="history-heading">
        <h2 id="history-heading">History</h2>
        <ol className="timeline">
          {s.events.map((e, i) => (
            <li key={i}>
              {e.kind === "joined" ? endorsed(e.occurred_on) : <time dateTime={e.occurred_on}>{formatDate(e.occurred_on)}</time>}
              <span>
                {SIGNATORY_EVENT_LABEL[e.kind]}
                {e.pledge_title ? `: ${e.pledge_title}` : ""}
                {e.detail ? ` (${e.detail})` : ""}
              </span>
            </li>
          ))}
        </ol>
      </section>

      <SourcesSection
        sources={s.sources}
        pledgeTitles={Object.fromEntries(s.pledges.map((p) => [p.code, p.title]))}
        updatedAt={s.updated_at}
        checkedOn={s.checked_on}
      />

      <CiteBlock citation={citation} url={url} />

      <p className="data-links">
        This record as data: <a href={`/api/v1/signatories/${s.slug}`}>JSON</a>
      </p>

      {/* For the company itself, not for the reader of its record: folded away (issue 14). */}
      <details className="for-company" id="for-this-company">
        <summary>
          For this company <span className="for-company-hint">A live badge for your website, and its embed code</span>
        </summary>
        <div className="badge-embed">
          <p>
            The badge always shows the current status in this registry and the date of joining, and links to this page. Paste one of these
            into your website or README.
          </p>
          <img src={badge.path} alt={badge.alt} />
          <h3>HTML</h3>
          <pre className="snippet">
            <code>{badge.html}</code>
          </pre>
          <CopyButton text={badge.html} label="Copy the HTML" />
          <h3>Markdown</h3>
          <pre className="snippet">
            <code>{badge.markdown}</code>
          </pre>
          <CopyButton text={badge.markdown} label="Copy the Markdown" />
        </div>
      </details>
    </article>
  );
}
