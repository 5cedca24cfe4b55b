import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { cacheable } from "~/modules/cache/cache-policy";
import { institution } from "~/modules/institution.server";
import { canonical } from "~/utils/canonical";

// Cached for anonymous visitors (cache-policy.ts); it reads no query parameter.
export const handle = cacheable();

export const meta: MetaFunction = ({ matches }) => [
  { title: "Contact · Accord Registry" },
  { name: "description", content: "How to reach the people who run the Accord Registry." },
  ...canonical(matches, "/contact"),
];

export async function loader() {
  const { operator, contactEmail } = institution();
  return { operator, contactEmail };
}

export default function Contact() {
  const { operator, contactEmail } = useLoaderData<typeof loader>();
  return (
    <article className="prose">
      <h1>Contact</h1>
      <p className="lead">
        The Accord Registry is run by {operator}. Write to <a href={`mailto:${contactEmail}`}>{contactEmail}</a>.
      </p>
      <dl className="summary-list">
        <div>
          <dt>A correction to a record</dt>
          <dd>
            Name the record (its address, such as /signatories/nokia), what is wrong, and a public source that says otherwise. The{" "}
            <Link to="/methodology#corrections">methodology</Link> says how corrections are made.
          </dd>
        </div>
        <div>
          <dt>Your company wants to join</dt>
          <dd>
            <Link to="/apply">Apply</Link>: the form takes about five minutes, and you can follow the application on a private status page.
          </dd>
        </div>
        <div>
          <dt>An application you sent</dt>
          <dd>Give its reference (AR-…). Its status page, linked from the e-mail you received, answers most questions.</dd>
        </div>
        <div>
          <dt>Your personal data</dt>
          <dd>
            To see, correct or erase what the registry holds about you, write from the address you gave. The{" "}
            <Link to="/privacy">privacy notice</Link> says what is kept and for how long.
          </dd>
        </div>
        <div>
          <dt>Accessibility</dt>
          <dd>
            A page you cannot use, or need in another format: see the <Link to="/accessibility">accessibility statement</Link>.
          </dd>
        </div>
        <div>
          <dt>A security vulnerability</dt>
          <dd>
            Write to the same address, with &ldquo;security&rdquo; in the subject, and please do not make it public before it is fixed.
          </dd>
        </div>
      </dl>
      <p>
        The registry is not the Cybersecurity Tech Accord itself: questions about the accord&apos;s work go to{" "}
        <a href="https://cybertechaccord.org/" rel="noopener noreferrer external">
          cybertechaccord.org
        </a>
        .
      </p>
    </article>
  );
}
