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
  { title: "Methodology · Accord Registry" },
  {
    name: "description",
    content:
      "How a record gets into the Accord Registry, what its verification proves and what it does not, how dates and coverage are shown, and how to correct a record.",
  },
  ...canonical(matches, "/methodology"),
];

export async function loader() {
  const { contactEmail } = institution();
  return { contactEmail, coverage: summariseCoverage(await getCoverage(getDb())) };
}

export default function Methodology() {
  const { contactEmail, coverage } = useLoaderData<typeof loader>();
  return (
    <article className="prose">
      <h1>Methodology</h1>
      <p className="lead">
        How a record gets into the registry, what backs it, and how far it can be trusted. Every record shows its sources, when it last
        changed and when it was last checked, so you can judge it yourself.
      </p>

      <h2 id="how-records-get-in">How a record gets in</h2>
      <ol>
        <li>
          <strong>The founding signatories</strong> (34 companies, 17 April 2018) come from the press reports of the launch that name them
          (VentureBeat, ZDNet and Corporate Counsel, all of that day). Each founder&apos;s record links to them.
        </li>
        <li>
          <strong>Later joiners named in public</strong> come from a source that names the company and the date it joined, such as the
          company&apos;s own statement. The record quotes the words that support it.
        </li>
        <li>
          <strong>Companies that apply</strong> through this registry: a company sends the <Link to="/apply">application form</Link>, its
          contact confirms an e-mail address at the company&apos;s own domain, and the registry&apos;s moderators review the application and
          approve it, reject it with a reason, or ask for changes. An approved record shows this as the registry&apos;s evidence: the
          application&apos;s reference, the day the address was confirmed and the day it was approved.
        </li>
        <li>
          <strong>An import by the operator</strong> of a list it holds (for example, an export of this registry). Every import is recorded
          in the registry&apos;s audit log.
        </li>
      </ol>

      <h2 id="verification">What verification proves, and what it does not</h2>
      <p>For a company that joined through the registry, the evidence proves that:</p>
      <ul>
        <li>
          someone who controlled an e-mail address at the company&apos;s registrable domain (the website&apos;s domain, such as
          example.co.uk) confirmed the application, within 7 days of sending it;
        </li>
        <li>
          that person declared they had the authority to commit the organisation to the accord&apos;s principles, and chose its pledges;
        </li>
        <li>a moderator reviewed the application, with warnings for names or domains already listed, and approved it on the day shown.</li>
      </ul>
      <p>It does not prove:</p>
      <ul>
        <li>that the person had that authority (the registry relies on their declaration and on the domain);</li>
        <li>that the company keeps its pledges: the registry records commitments, it does not audit them;</li>
        <li>
          that the Cybersecurity Tech Accord itself counts the company among its signatories, unless a source from the accord says so.
        </li>
      </ul>
      <p>
        A press report proves what it reports: that the company was named as a signatory on that date. A company&apos;s own statement proves
        what the company says of itself.
      </p>

      <h2 id="evidence">Three checks: the mailbox, the DNS record and security.txt</h2>
      <p>
        Besides the sources, a record may carry evidence the registry gathered itself. Each check shows one narrow thing, on the day it was
        made.
      </p>
      <h3 id="mailbox-proof">The mailbox proof</h3>
      <p>
        <strong>Shows</strong> that someone could read mail at the contact address, at the company&apos;s domain, when they confirmed the
        application. <strong>Does not show</strong> who that person is or that they may speak for the company: an employee, a shared or
        catch-all mailbox, or a compromised account can receive the same link.
      </p>
      <h3 id="dns-proof">The DNS proof (optional)</h3>
      <p>
        An applicant may publish a TXT record with a value unique to the application at <code>_accord-registry.</code> followed by the
        company&apos;s domain, and the registry looks it up, as certificate authorities do before they issue a certificate.{" "}
        <strong>Shows</strong> that whoever applied could change the domain&apos;s own DNS on the day shown (&ldquo;Domain control: proven
        by DNS on …&rdquo;), which usually takes more than a mailbox. <strong>Does not show</strong> who they are, that they may commit the
        company, or that they still control the domain today; the record may be removed once the application is decided.
      </p>
      <h3 id="security-txt">The security.txt check</h3>
      <p>
        The registry reads each active signatory&apos;s <code>/.well-known/security.txt</code> (RFC 9116) from its website over HTTPS, about
        once a day, and shows what it found: <em>Published</em> (a Contact and an Expires date still in the future), <em>Expired</em>,{" "}
        <em>Not valid</em> (a Contact or a valid Expires date is missing), <em>Missing</em> (no such file, or not one that could be read in
        time), or <em>Not checked yet</em>. <strong>Shows</strong> that the company publishes where to report a vulnerability, as the
        accord&apos;s commitment to coordinated vulnerability disclosure asks. <strong>Does not show</strong> that anyone answers that
        contact, that its policy is good, or who wrote the file; an OpenPGP signature on it is noted but not verified. The Contact and
        Policy values are the company&apos;s own words: the registry links them only when they are <code>https:</code> or{" "}
        <code>mailto:</code> addresses. On <Link to="/stats">the statistics page</Link> the share is given of the signatories checked so
        far, never of those not yet checked.
      </p>

      <h2 id="dates">Dates and how precisely they are known</h2>
      <p>
        A joining date is shown as precisely as its source gives it: a day (17 April 2018), a month (September 2018) or a year. The data
        gives a less precise date as the first day of its period with its precision beside it (<code>joined_on</code> 2018-09-01,{" "}
        <code>joined_precision</code> month), and sorts it there; the registry never shows a day nobody recorded.
      </p>
      <p>
        &ldquo;Last changed&rdquo; is when the record last changed in the registry. &ldquo;Last checked&rdquo; is the latest day on which it
        was confirmed against a source or the registry&apos;s evidence. A source&apos;s retrieval date is the day the registry took it: for
        the reference data the registry was seeded with, the day that data was compiled, on or before which the sources were read.
      </p>

      <h2 id="confidence">Confidence</h2>
      <p>
        Where a fact is less certain, the record says so in its note: for example, the headquarters country of a company incorporated in one
        country and run from another. Company names are those under which the companies signed; later renames, mergers and acquisitions are
        in each record&apos;s note and history.
      </p>

      <h2 id="coverage">Coverage: why the registry&apos;s count differs from the accord&apos;s</h2>
      <CoverageNote coverage={coverage} />
      <p>
        The registry holds the records that reached it, not every company that has signed the accord. Public sources reported 44 signatories
        by September 2018, 61 by October 2018 and more than 150 from 2021, while most later joiners are not named with a date in any source
        the registry holds. So wherever the registry shows a total, it shows the latest published count beside it, with its source. A year
        in which no join is recorded here reads &ldquo;not recorded&rdquo;, not 0; a later commitment whose endorsements nobody recorded
        reads &ldquo;not recorded here&rdquo;, never a zero. The published counts, with their sources, are on{" "}
        <Link to="/stats#coverage">the statistics page</Link> and in the <a href="/api/v1/coverage">coverage data</a>.
      </p>

      <h2 id="corrections">Corrections</h2>
      <p>
        To correct a record, write to <a href={`mailto:${contactEmail}`}>{contactEmail}</a>: name the record, what is wrong, and a public
        source that says otherwise. A moderator checks the source and corrects the record; the correction shows in the record&apos;s history
        (&ldquo;record updated&rdquo;), its &ldquo;last changed&rdquo; date moves, and a renamed company keeps its former name. Every change
        by staff is kept in a tamper-evident audit log. A company that leaves the accord is marked withdrawn, with the date and reason, and
        stays in the registry.
      </p>
    </article>
  );
}
