import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { cacheable } from "~/modules/cache/cache-policy";
import { getDb } from "~/modules/database/db.server";
import { countByStatus, listPledges } from "~/modules/directory/directory.server";
import { formatDate, plural } from "~/utils/format";

// Cached for anonymous visitors (cache-policy.ts); it reads no query parameter.
export const handle = cacheable();

export const meta: MetaFunction = () => [
  { title: "Pledges · Accord Registry" },
  {
    name: "description",
    content: "The four principles of the Cybersecurity Tech Accord and the later commitments its signatories endorse.",
  },
];

export async function loader() {
  const db = getDb();
  const [pledges, counts] = await Promise.all([listPledges(db), countByStatus(db)]);
  return { pledges, active: counts.active };
}

export default function Pledges() {
  const { pledges, active } = useLoaderData<typeof loader>();
  const principles = pledges.filter((p) => p.required);
  const later = pledges.filter((p) => !p.required);
  const item = (p: (typeof pledges)[number]) => (
    <li key={p.code} id={p.code} className="pledge">
      <h3>{p.title}</h3>
      <p>{p.summary}</p>
      <p className="pledge-meta">
        Introduced <time dateTime={p.introduced_on}>{formatDate(p.introduced_on)}</time> ·{" "}
        <Link to={`/signatories?pledge=${p.code}`}>
          {p.required ? "endorsed by every one of the " : "endorsed by "}
          {plural(p.endorsements, "active signatory", "active signatories")}
        </Link>
      </p>
    </li>
  );
  return (
    <div className="pledges-page">
      <h1>Pledges</h1>
      <p className="lead">
        Every signatory commits to the accord's four principles when it signs. Later commitments are endorsed one by one; each signatory's
        page lists the ones it took and when. The registry has {plural(active, "active signatory", "active signatories")}.
      </p>
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
