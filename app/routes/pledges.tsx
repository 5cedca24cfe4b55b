import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { cacheable } from "~/modules/cache/cache-policy";
import { getDb } from "~/modules/database/db.server";
import { CoverageNote } from "~/components/coverage";
import { listPledges } from "~/modules/directory/directory.server";
import { getCoverage, summariseCoverage } from "~/modules/provenance/coverage.server";
import { canonical } from "~/utils/canonical";
import { formatDate, plural } from "~/utils/format";

// Cached for anonymous visitors (cache-policy.ts); it reads no query parameter.
export const handle = cacheable();

export const meta: MetaFunction = ({ matches }) => [
  { title: "Pledges · Accord Registry" },
  {
    name: "description",
    content: "The four principles of the Cybersecurity Tech Accord and the later commitments its signatories endorse.",
  },
  ...canonical(matches, "/pledges"),
];

export async function loader() {
  const db = getDb();
  const [pledges, coverage] = await Promise.all([listPledges(db), getCoverage(db)]);
  return { pledges, coverage: summariseCoverage(coverage) };
}

export default function Pledges() {
  const { pledges, coverage } = useLoaderData<typeof loader>();
  const principles = pledges.filter((p) => p.required);
  const later = pledges.filter((p) => !p.required);
  const item = (p: (typeof pledges)[number]) => (
    <li key={p.code} id={p.code} className="pledge">
      <h3>{p.title}</h3>
      <p>{p.summary}</p>
      <p className="pledge-meta">
        Introduced <time dateTime={p.introduced_on}>{formatDate(p.introduced_on)}</time> ·{" "}
        {p.required ? (
          <Link to={`/signatories?pledge=${p.code}`}>
            endorsed by every one of the {plural(p.endorsements, "active signatory", "active signatories")} recorded here
          </Link>
        ) : p.endorsements > 0 ? (
          <Link to={`/signatories?pledge=${p.code}`}>
            endorsed by {plural(p.endorsements, "active signatory", "active signatories")} recorded here
          </Link>
        ) : (
          // Nobody recorded who endorsed it; 0 would say nobody did (issue 13).
          <span className="not-recorded">which signatories endorse it is not recorded here</span>
        )}
      </p>
    </li>
  );
  return (
    <div className="pledges-page">
      <h1>Pledges</h1>
      <p className="lead">
        Every signatory commits to the accord's four principles when it signs. Later commitments are endorsed one by one; each signatory's
        page lists the ones it took and when, with the source that records it.
      </p>
      <CoverageNote coverage={coverage} />
      <section aria-labelledby="principles">
        <h2 id="principles">The four principles</h2>
        <ol className="pledge-list">{principles.map(item)}</ol>
      </section>
      <section aria-labelledby="later">
        <h2 id="later">Later commitments</h2>
        <ul className="pledge-list">{later.map(item)}</ul>
      </section>
    </div>
  );
}
