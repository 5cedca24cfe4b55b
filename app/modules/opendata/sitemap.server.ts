// What crawlers may visit and what there is (issue 13): /robots.txt and /sitemap.xml
// (sitemaps.org 0.9). Every public page is listed: the fixed ones and each signatory's,
// with the day its record last changed. Beyond 50,000 addresses (the protocol's limit for
// one file) /sitemap.xml is an index of numbered parts.
import type { DB } from "~/modules/database/db.server";
import { escapeXml } from "./xml";

/** The public pages that are not a signatory's. */
export const PUBLIC_PAGES = [
  "/",
  "/signatories",
  "/pledges",
  "/stats",
  "/transparency",
  "/apply",
  "/open-data",
  "/about",
  "/methodology",
  "/privacy",
  "/accessibility",
  "/contact",
] as const;

/** Addresses in one sitemap file (the protocol allows 50,000). */
export const SITEMAP_PART_SIZE = 45_000;

export function robotsTxt(absolute: (path: string) => string): string {
  return [
    "# The registry's public pages, its signatories' pages and its open data may be crawled.",
    "User-agent: *",
    "Allow: /",
    // Staff, applicants' private pages and one-time links: nothing to index.
    "Disallow: /moderation",
    "Disallow: /admin",
    "Disallow: /account",
    "Disallow: /login",
    "Disallow: /logout",
    "Disallow: /applications/",
    "Disallow: /apply/",
    // Every combination of the directory's filters is a page: the sitemap lists what matters.
    "Disallow: /signatories?",
    "Disallow: /api/",
    "",
    `Sitemap: ${absolute("/sitemap.xml")}`,
    "",
  ].join("\n");
}

const urlEntry = (loc: string, lastmod?: string) =>
  `  <url><loc>${escapeXml(loc)}</loc>${lastmod ? `<lastmod>${lastmod}</lastmod>` : ""}</url>`;

const HEAD = '<?xml version="1.0" encoding="UTF-8"?>';
const NS = 'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"';

/**
 * The sitemap, or (past SITEMAP_PART_SIZE addresses) its index; `part` (1-based) gives one
 * part of a large one. Null: no such part.
 */
export async function sitemapXml(db: DB, absolute: (path: string) => string, part?: number): Promise<string | null> {
  const { n } = await db
    .selectFrom("signatories")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  const total = PUBLIC_PAGES.length + Number(n);
  const parts = Math.max(1, Math.ceil(total / SITEMAP_PART_SIZE));
  if (part === undefined && parts > 1) {
    const entries = Array.from(
      { length: parts },
      (_, i) => `  <sitemap><loc>${escapeXml(absolute(`/sitemap.xml?page=${i + 1}`))}</loc></sitemap>`,
    );
    return `${HEAD}\n<sitemapindex ${NS}>\n${entries.join("\n")}\n</sitemapindex>\n`;
  }
  const index = part ?? 1;
  if (index > parts) return null;
  // The fixed pages first, then the signatories by slug; each part a window of that list.
  const from = (index - 1) * SITEMAP_PART_SIZE;
  const to = from + SITEMAP_PART_SIZE;
  const pages = PUBLIC_PAGES.slice(from, to).map((path) => urlEntry(absolute(path)));
  const skip = Math.max(0, from - PUBLIC_PAGES.length);
  const take = to - Math.max(from, PUBLIC_PAGES.length);
  const signatories =
    take > 0 ? await db.selectFrom("signatories").select(["slug", "updated_at"]).orderBy("slug").limit(take).offset(skip).execute() : [];
  const entries = [
    ...pages,
    ...signatories.map((s) => urlEntry(absolute(`/signatories/${encodeURIComponent(s.slug)}`), s.updated_at.slice(0, 10))),
  ];
  return `${HEAD}\n<urlset ${NS}>\n${entries.join("\n")}\n</urlset>\n`;
}
