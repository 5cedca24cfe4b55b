// The Atom feed (RFC 4287) of the latest joins and withdrawals, from the signatories'
// history (signatory_events). Entry ids are tag: URIs (RFC 4151) of the event's id, so
// they never change; links are absolute (PUBLIC_URL); dates are RFC 3339.
import { Feed } from "feed";
import { countryName } from "~/modules/countries";
import type { DB } from "~/modules/database/db.server";
import { getEnv, publicUrl } from "~/utils/env.server";
import { formatDate, formatDateAt } from "~/utils/format";
import { escapeXml } from "./xml";
import { ACCORD_LAUNCH } from "~/modules/accord";

const FEED_TITLE = "Accord Registry: joins and withdrawals";
const FEED_SIZE = 50;
/** The accord's launch: the feed's date when it has no entry yet. */
const LAUNCH = `${ACCORD_LAUNCH}T00:00:00.000Z`;

/** tag:registry.example,2018:… — the authority is PUBLIC_URL's host. */
function tagUri(specific: string): string {
  return `tag:${new URL(getEnv().PUBLIC_URL).hostname},2018:${specific}`;
}

async function latestEvents(db: DB, limit = FEED_SIZE) {
  return db
    .selectFrom("signatory_events")
    .innerJoin("signatories", "signatories.id", "signatory_events.signatory_id")
    .innerJoin("sectors", "sectors.code", "signatories.sector")
    .select([
      "signatory_events.id",
      "signatory_events.kind",
      "signatory_events.occurred_on",
      "signatory_events.detail",
      "signatory_events.created_at",
      "signatories.slug",
      "signatories.name",
      "signatories.country",
      "signatories.founding",
      "signatories.joined_precision",
      "sectors.name as sector_name",
    ])
    .where("signatory_events.kind", "in", ["joined", "withdrawn"])
    .orderBy("signatory_events.occurred_on", "desc")
    .orderBy("signatory_events.id", "desc")
    .limit(limit)
    .execute();
}

export async function buildFeed(db: DB): Promise<string> {
  const events = await latestEvents(db);
  const updated = events.reduce((latest, e) => (e.created_at > latest ? e.created_at : latest), LAUNCH);
  const feed = new Feed({
    id: tagUri("feed"),
    title: FEED_TITLE,
    description: "Companies joining and withdrawing from the Cybersecurity Tech Accord, as the registry records them.",
    link: publicUrl("/"),
    feedLinks: { atom: publicUrl("/feed.xml") },
    language: "en",
    updated: new Date(updated),
    generator: "Accord Registry",
    author: { name: "Accord Registry", link: publicUrl("/") },
  });
  for (const e of events) {
    const joined = e.kind === "joined";
    const where = `${countryName(e.country)}, ${e.sector_name}`;
    const paragraphs = joined
      ? [
          // A join known to the month or year says so ("in September 2018"), never a made-up day.
          `${e.name} (${where}) joined the Cybersecurity Tech Accord ${e.joined_precision === "day" ? `on ${formatDate(e.occurred_on)}` : `in ${formatDateAt(e.occurred_on, e.joined_precision)}`}` +
            `${e.founding ? ", as a founding signatory" : ""}.`,
        ]
      : [
          `${e.name} (${where}) withdrew from the Cybersecurity Tech Accord on ${formatDate(e.occurred_on)}.`,
          ...(e.detail ? [`Reason given: ${e.detail}`] : []),
        ];
    feed.addItem({
      id: tagUri(`signatory-event:${e.id}`),
      // The feed package marks titles and content as HTML (type="html" in CDATA):
      // escaping makes a name show as text, leaves no "]]>" to end the CDATA early, and
      // drops the characters XML 1.0 forbids (CDATA cannot hold them either). Everything
      // else the package is given is fixed text, tag URIs or addresses built from slugs.
      title: escapeXml(`${e.name} ${joined ? "joined" : "withdrew from"} the Cybersecurity Tech Accord`),
      link: publicUrl(`/signatories/${e.slug}`),
      date: new Date(e.created_at),
      published: new Date(`${e.occurred_on}T00:00:00.000Z`),
      content: paragraphs.map((p) => `<p>${escapeXml(p)}</p>`).join(""),
      category: [{ term: e.kind, name: joined ? "Joined" : "Withdrew" }],
    });
  }
  return withStylesheet(feed.atom1());
}

/**
 * The feed's media type for a request: application/atom+xml (RFC 4287) for feed readers
 * and programs; application/xml for a browser opening it (its Accept names text/html),
 * since Chromium shows an atom+xml document as text and applies an XSL stylesheet only to
 * a generic XML type. The bytes are the same.
 */
export function feedContentType(accept: string | null): string {
  return accept && /\btext\/html\b/.test(accept) ? "application/xml; charset=utf-8" : "application/atom+xml; charset=utf-8";
}

/** Where the feed's XSL stylesheet is (public/feed.xsl): a browser that opens the feed shows
 * it as a readable page; feed readers ignore the instruction. */
export const FEED_STYLESHEET = "/feed.xsl";

/** The feed with its xml-stylesheet processing instruction after the XML declaration. */
function withStylesheet(atom: string): string {
  const instruction = `<?xml-stylesheet type="text/xsl" href="${FEED_STYLESHEET}"?>`;
  const declaration = /^<\?xml[^?]*\?>\s*/.exec(atom);
  return declaration ? `${declaration[0].trimEnd()}\n${instruction}\n${atom.slice(declaration[0].length)}` : `${instruction}\n${atom}`;
}
