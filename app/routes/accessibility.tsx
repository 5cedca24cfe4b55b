import type { MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { cacheable } from "~/modules/cache/cache-policy";
import { institution } from "~/modules/institution.server";
import { canonical } from "~/utils/canonical";

// Cached for anonymous visitors (cache-policy.ts); it reads no query parameter.
export const handle = cacheable();

export const meta: MetaFunction = ({ matches }) => [
  { title: "Accessibility statement · Accord Registry" },
  { name: "description", content: "How accessible the Accord Registry is, how it is tested, what is known not to work, and who to tell." },
  ...canonical(matches, "/accessibility"),
];

/** When this statement was last reviewed against the site. */
const REVIEWED_ON = "29 November 2026";

export async function loader() {
  const { operator, contactEmail } = institution();
  return { operator, contactEmail };
}

export default function Accessibility() {
  const { operator, contactEmail } = useLoaderData<typeof loader>();
  return (
    <article className="prose">
      <h1>Accessibility statement</h1>
      <p className="lead">
        {operator} wants everyone to be able to use the Accord Registry: to search the directory, read and cite a record, follow the
        figures, take the data away and apply to join.
      </p>

      <h2 id="standard">The standard</h2>
      <p>
        The registry aims to meet the Web Content Accessibility Guidelines (WCAG) 2.2 at level AA. As far as its automated and manual checks
        show, it meets them, with the exceptions below.
      </p>

      <h2 id="what-works">What you can expect</h2>
      <ul>
        <li>
          Every public page works without JavaScript: search, filters, paging, the application form and its corrections are plain links and
          forms.
        </li>
        <li>The pages can be used with a keyboard alone, with a visible focus and a link to skip to the content.</li>
        <li>
          Every chart has a description and stands beside a table of its figures; a figure nobody recorded is written out (&ldquo;not
          recorded&rdquo;) rather than drawn as zero.
        </li>
        <li>Form errors are written beside each field, linked to it, and summarised at the top.</li>
        <li>The text can be enlarged to 200%, and the pages reflow to fit a phone&apos;s screen without scrolling sideways.</li>
        <li>
          The data behind every page can be downloaded as CSV or JSON (see <Link to="/open-data">open data</Link>).
        </li>
      </ul>

      <h2 id="testing">How it is tested</h2>
      <p>
        Every release runs automated checks with axe-core in Chromium on the public pages (home, directory, a signatory, pledges,
        statistics, transparency, open data, this page and the other pages about the registry), and browser journeys with JavaScript turned
        on and off. Pages are also looked at on a phone-sized and a desktop screen.
      </p>

      <h2 id="known-gaps">Known gaps</h2>
      <ul>
        <li>
          The world map on the statistics page cannot be explored country by country with a keyboard or a screen reader; the table beside it
          has every country and its count.
        </li>
        <li>The charts use colour and shape together, but their small labels may be hard to read when the page is zoomed out.</li>
        <li>
          The registry has not yet been tested by people who use screen readers, switch access or voice control day to day. If something
          does not work for you, please say so.
        </li>
      </ul>

      <h2 id="feedback">Tell us</h2>
      <p>
        If you find a barrier, or need something in another format, write to <a href={`mailto:${contactEmail}`}>{contactEmail}</a>. Say
        which page and what happened; we answer within ten working days.
      </p>
      <p className="muted">This statement was last reviewed on {REVIEWED_ON}.</p>
    </article>
  );
}
