import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { cacheable } from "~/modules/cache/cache-policy";
import { institution } from "~/modules/institution.server";
import { canonical } from "~/utils/canonical";
import { plural } from "~/utils/format";

// Cached for anonymous visitors (cache-policy.ts); it reads no query parameter.
export const handle = cacheable();

export const meta: MetaFunction = ({ matches }) => [
  { title: "Privacy notice · Accord Registry" },
  {
    name: "description",
    content: "What personal data the Accord Registry keeps, why, who sees it, how long it is kept, and how to have it erased.",
  },
  ...canonical(matches, "/privacy"),
];

export async function loader() {
  const { operator, contactEmail, retentionDays } = institution();
  return { operator, contactEmail, retentionDays };
}

export default function Privacy() {
  const { operator, contactEmail, retentionDays } = useLoaderData<typeof loader>();
  const kept = plural(retentionDays, "day");
  return (
    <article className="prose">
      <h1>Privacy notice</h1>
      <p className="lead">
        The registry is about companies, and what it publishes names no person. It keeps personal data only to handle applications and to
        run the service, and erases an applicant&apos;s contact details {kept} after their application is decided.
      </p>

      <h2 id="who">Who is responsible</h2>
      <p>
        {operator} runs the registry and decides what is done with the data described here. Write to{" "}
        <a href={`mailto:${contactEmail}`}>{contactEmail}</a> about anything on this page.
      </p>

      <h2 id="applications">When a company applies</h2>
      <p>The application form asks for:</p>
      <ul>
        <li>
          <strong>facts about the company</strong>: its name, website, headquarters country, sector, description and pledges. These are not
          personal data; once the application is approved they are published as the company&apos;s record;
        </li>
        <li>
          <strong>its contact</strong>: a name, a job title and a work e-mail address at the company&apos;s domain. They are never
          published;
        </li>
        <li>
          and the registry notes <strong>the internet address</strong> the form was sent from.
        </li>
      </ul>
      <dl className="summary-list">
        <div>
          <dt>Why</dt>
          <dd>
            To check that the application comes from the company (the confirmation link goes to the address at its domain), to tell the
            contact what the moderators decide or ask, and to limit abuse of the form (the internet address). The basis is the
            registry&apos;s legitimate interest in a record that can be trusted, and the contact&apos;s own request to join.
          </dd>
        </div>
        <div>
          <dt>Who sees it</dt>
          <dd>
            The registry&apos;s moderators and administrators, and whoever holds the application&apos;s private status link. The mails pass
            through the operator&apos;s mail provider. Nobody else: the registry sells and shares nothing, and runs no analytics or
            advertising.
          </dd>
        </div>
        <div>
          <dt>How long</dt>
          <dd>
            The contact&apos;s name, title and address, and the internet address, are erased {kept} after the application is approved,
            rejected or withdrawn, or, for an application whose e-mail address was never confirmed, {kept} after its confirmation link
            expired. With them go the mails sent to that address, and their mentions in the moderators&apos; notes and reasons and in the
            audit log. The registry&apos;s background worker does this every hour. What the application says about the company, its
            reference, dates and outcome stay: they are no one&apos;s personal data, and an approved record&apos;s evidence rests on them.
          </dd>
        </div>
        <div>
          <dt>Counters against abuse</dt>
          <dd>
            The number of recent submissions and confirmation mails per internet address, e-mail address and domain, kept for at most 24
            hours.
          </dd>
        </div>
      </dl>

      <h2 id="erasure">Your rights, and erasure on request</h2>
      <p>
        You may ask to see the personal data the registry holds about you, to correct it, or to have it erased at once, by writing from the
        address concerned to <a href={`mailto:${contactEmail}`}>{contactEmail}</a>. An erasure removes it everywhere listed above; an
        application still open is withdrawn first, since the moderators could no longer reach anyone about it. The registry answers within
        one month. You may also complain to your data protection authority.
      </p>

      <h2 id="visitors">Visitors</h2>
      <p>
        Reading the registry needs no account and sets no cookie, except one that protects forms against cross-site submission (on the pages
        with a form; it holds a random value and ends with the browser session). Like any web server, the registry notes in its operating
        log the internet address and the page of each request, to keep the service running and secure; the operator&apos;s hosting keeps
        those logs for a limited time.
      </p>

      <h2 id="staff">Staff</h2>
      <p>
        For moderators and administrators the registry keeps a name, a work e-mail address, a password hash, second-factor credentials, and
        a record of sign-ins with the internet address used. Their actions are kept in the audit log, which is permanent: it is the
        registry&apos;s record of who did what, and it holds no applicant&apos;s personal data once that is erased.
      </p>

      <p>
        See also the <Link to="/methodology">methodology</Link> and the <Link to="/contact">contact page</Link>.
      </p>
    </article>
  );
}
