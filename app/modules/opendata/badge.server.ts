// The live badge a signatory can embed: an accessible SVG (role="img", a <title> it is
// labelled by) stating the current status and the join date. Every piece of text is
// XML-escaped (escapeXml also drops the characters XML 1.0 forbids, so a name stored with
// one still gives a well-formed image); widths are estimated and pinned with textLength
// so any font fits.
import type { SignatoryStatus } from "../../../db/schema";
import type { DB } from "~/modules/database/db.server";
import { formatDate, formatDateAt, isoAt } from "~/utils/format";
import { escapeXml } from "./xml";

const LABEL = "Cybersecurity Tech Accord";
const HEIGHT = 20;
const PADDING = 6;
/** White text on each of these meets WCAG AA (4.5:1) contrast. */
const COLORS = { label: "#0b2545", active: "#146c43", withdrawn: "#a02334", suspended: "#6e4f00", unknown: "#4a5263" };

/** Approximate advance widths of Verdana at 11px, enough to size the boxes. */
function textWidth(text: string): number {
  let width = 0;
  for (const ch of text) {
    if (/[ .·:]/.test(ch)) width += 3.9;
    else if (/[il1|!']/.test(ch)) width += 3.6;
    else if (/[A-Z0-9MWmw@]/.test(ch)) width += ch === "M" || ch === "W" || ch === "m" || ch === "w" ? 10 : 7.6;
    else width += 6.6;
  }
  return Math.ceil(width);
}

function svg(id: string, title: string, value: string, color: string): string {
  const labelWidth = textWidth(LABEL) + 2 * PADDING;
  const valueWidth = textWidth(value) + 2 * PADDING;
  const width = labelWidth + valueWidth;
  const text = (x: number, content: string, length: number) =>
    `<text x="${x}" y="14" textLength="${length}" lengthAdjust="spacingAndGlyphs">${escapeXml(content)}</text>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${HEIGHT}" viewBox="0 0 ${width} ${HEIGHT}" role="img" aria-labelledby="${escapeXml(id)}">`,
    `<title id="${escapeXml(id)}">${escapeXml(title)}</title>`,
    `<rect width="${labelWidth}" height="${HEIGHT}" rx="3" fill="${COLORS.label}"/>`,
    `<rect x="${labelWidth}" width="${valueWidth}" height="${HEIGHT}" rx="3" fill="${color}"/>`,
    // Squares off the two inner corners where the halves meet.
    `<rect x="${labelWidth - 3}" width="6" height="${HEIGHT}" fill="${color}"/>`,
    `<rect x="${labelWidth - 3}" width="3" height="${HEIGHT}" fill="${COLORS.label}"/>`,
    `<g fill="#ffffff" font-family="Verdana,DejaVu Sans,Geneva,sans-serif" font-size="11">`,
    text(PADDING, LABEL, textWidth(LABEL)),
    text(labelWidth + PADDING, value, textWidth(value)),
    `</g>`,
    `</svg>`,
    "",
  ].join("\n");
}

export interface BadgeSignatory {
  slug: string;
  name: string;
  status: SignatoryStatus;
  joined_on: string;
  /** A less precise join date shows as its month or year (2018-09), never a made-up day. */
  joined_precision?: "day" | "month" | "year";
  withdrawn_on: string | null;
}

export async function findBadgeSignatory(db: DB, slug: string): Promise<BadgeSignatory | undefined> {
  return db
    .selectFrom("signatories")
    .select(["slug", "name", "status", "joined_on", "joined_precision", "withdrawn_on"])
    .where("slug", "=", slug)
    .executeTakeFirst();
}

/** The words a badge states, for the image and for its alt text. */
function badgeText(s: BadgeSignatory): { value: string; title: string } {
  const precision = s.joined_precision ?? "day";
  const joined = formatDateAt(s.joined_on, precision);
  const joinedOn = isoAt(s.joined_on, precision);
  switch (s.status) {
    case "active":
      return {
        value: `active · joined ${joinedOn}`,
        title: `${s.name}: active signatory of the Cybersecurity Tech Accord since ${joined}`,
      };
    case "withdrawn":
      return {
        value: `withdrawn · joined ${joinedOn}`,
        title: `${s.name}: withdrew from the Cybersecurity Tech Accord${s.withdrawn_on ? ` on ${formatDate(s.withdrawn_on)}` : ""} (joined ${joined})`,
      };
    case "suspended":
      return {
        value: `suspended · joined ${joinedOn}`,
        title: `${s.name}: signatory of the Cybersecurity Tech Accord since ${joined}, currently suspended by the registry`,
      };
  }
}

export function badgeSvg(s: BadgeSignatory): string {
  const { value, title } = badgeText(s);
  return svg(`badge-${s.slug}`, title, value, COLORS[s.status]);
}

/** The 404 answer: still an image, so a page embedding a wrong address shows why. */
export function unknownBadgeSvg(): string {
  return svg("badge-unknown", "Not listed in the Accord Registry", "not listed", COLORS.unknown);
}

/**
 * What the signatory page offers to copy. The alt text names no status: the image is live
 * and changes, an alt text pasted into someone's page does not.
 */
export function badgeEmbed(s: { slug: string; name: string }, absolute: (path: string) => string) {
  const page = absolute(`/signatories/${s.slug}`);
  const image = absolute(`/signatories/${s.slug}/badge.svg`);
  const alt = `${s.name}: status in the Cybersecurity Tech Accord registry`;
  return {
    path: `/signatories/${s.slug}/badge.svg`,
    alt,
    html: `<a href="${escapeXml(page)}"><img src="${escapeXml(image)}" alt="${escapeXml(alt)}"></a>`,
    markdown: `[![${alt.replace(/[[\]\\]/g, "\\$&")}](${image})](${page})`,
  };
}
