import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { CoverageNote } from "~/components/coverage";
import { cacheable } from "~/modules/cache/cache-policy";
import { getDb } from "~/modules/database/db.server";
import { institution } from "~/modules/institution.server";
import { getCoverage, summariseCoverage } from "~/modules/provenance/coverage.server";
import { canonical } from "~/utils/canonical";

// Cached for anonymous visitors (cache-policy.ts); it reads no query parameter.
export const handle = cacheable();

export const meta: MetaFunction = ({ matches }) => [
  { title: "About the registry · Accord Registry" },
  {
    name: "description",
    content: "What the Accord Registry is, who runs it, and how it relates to the Cybersecurity Tech Accord.",
  },
  ...canonical(matches, "/about"),
];

export async function loader() {
  const coverage = await getCoverage(getDb());
  const { operator, contactEmail } = institution();
  return { operator, contactEmail, coverage: summariseCoverage(coverage) };
}

export default function About() {
  const { operator, contactEmail, coverage } = useLoaderData<typeof loader>();
  return (
    <article className="prose">
      <h1>About the registry</h1>
      <p className="lead">
        The Accord Registry is a public record of the companies that signed the Cybersecurity Tech Accord: who signed, since when, to which
        pledges, and where each fact comes from.
      </p>

      <h2>Who runs it</h2>
      <p>
        The registry is run by <strong>{operator}</strong>. Write to <a href={`mailto:${contactEmail}`}>{contactEmail}</a> with a question,
        a correction or a request about your personal data (<Link to="/contact">contact</Link>).
      </p>

      <h2>How it relates to the accord</h2>
      <p>
        The Cybersecurity Tech Accord is a public commitment launched on 17 April 2018 by 34 technology companies, which pledged to protect
        all users, to oppose cyberattacks on innocent citizens and enterprises, to empower users and developers, and to work together. The
        accord&apos;s own site is{" "}
        <a href="https://cybertechaccord.org/" rel="noopener noreferrer external">
          cybertechaccord.org
        </a>
        .
      </p>
      <p>
        This registry keeps a citable record of its signatories. Each record names its sources: the reports of the launch for the founding
        signatories, a company&apos;s own statement for a later joiner named in public, or, for a company that joined through the registry,
        the registry&apos;s own evidence (its application, the confirmation of an e-mail address at its domain, and the moderators&apos;
        approval). The <Link to="/methodology">methodology</Link> explains how a record gets in and what each kind of evidence proves.
      </p>

      <h2>What it covers</h2>
      <CoverageNote coverage={coverage} />
      <p>
        The registry holds the records that reached it, not necessarily every company that has signed the accord: public sources reported
        more signatories than it holds. Every page that shows a total shows the latest published count beside it, and{" "}
        <Link to="/stats#coverage">the statistics</Link> list every published count with its source.
      </p>

      <h2>The data is open</h2>
      <p>
        Everything the registry publishes can be downloaded and reused: see <Link to="/open-data">open data</Link> for the licence, the
        formats and how to cite a record or the data set.
      </p>
    </article>
  );
}
