// The Atom feed and the live badges through their real loaders. The feed is read with a
// real XML parser (jsdom's, strict): ids, dates and links are checked as a reader would.
import { createRequire } from "node:module";
import { beforeAll, describe, expect, it } from "vitest";
import { createSignatory, setSignatoryStatus } from "~/modules/directory/write.server";
import { loader as badgeLoader } from "~/routes/signatories.$slug.badge[.]svg";
import { loader as feedLoader } from "~/routes/feed[.]xml";
import { loader as pageLoader } from "~/routes/signatories.$slug";
import { useSeededDatabase } from "../helpers/db";
import { loaderArgs } from "../helpers/remix";
import { addLaterSignatories, LATER } from "./opendata-fixtures";

// jsdom (a devDependency) ships no types; only its XML parser is used here.
type JsdomWindow = { document: Document; XMLSerializer: typeof XMLSerializer };
const { JSDOM } = createRequire(import.meta.url)("jsdom") as {
  JSDOM: new (xml: string, options: { contentType: string }) => { window: JsdomWindow };
};

const ATOM = "http://www.w3.org/2005/Atom";
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const getDb = useSeededDatabase();

beforeAll(async () => {
  await addLaterSignatories(getDb());
});

async function fetchFeed(headers: Record<string, string> = {}) {
  const args = loaderArgs("/feed.xml");
  return feedLoader({ ...args, request: new Request(args.request.url, { headers }) });
}

/** Parses the feed strictly (a malformed document throws) into plain entries. */
async function readFeed() {
  const response = await fetchFeed();
  expect(response.status).toBe(200);
  const xml = await response.text();
  const { document } = new JSDOM(xml, { contentType: "application/xml" }).window;
  const feed = document.documentElement;
  expect(feed.namespaceURI).toBe(ATOM);
  expect(feed.localName).toBe("feed");
  const child = (el: Element, name: string) => [...el.children].find((c) => c.namespaceURI === ATOM && c.localName === name);
  const text = (el: Element, name: string) => child(el, name)?.textContent ?? null;
  const entries = [...feed.children]
    .filter((c) => c.localName === "entry")
    .map((e) => ({
      id: text(e, "id"),
      title: text(e, "title"),
      updated: text(e, "updated"),
      published: text(e, "published"),
      link: child(e, "link")?.getAttribute("href") ?? null,
      content: text(e, "content"),
      category: child(e, "category")?.getAttribute("term") ?? null,
    }));
  return {
    response,
    feed: {
      id: text(feed, "id"),
      title: text(feed, "title"),
      updated: text(feed, "updated"),
      author: child(feed, "author") ? text(child(feed, "author")!, "name") : null,
      self: [...feed.children].find((c) => c.localName === "link" && c.getAttribute("rel") === "self")?.getAttribute("href"),
    },
    entries,
  };
}

describe("the Atom feed", () => {
  it("is well-formed Atom with the right type, a title, an author, a self link and a date", async () => {
    const { response, feed } = await readFeed();
    expect(response.headers.get("Content-Type")).toBe("application/atom+xml; charset=utf-8");
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    expect(feed).toMatchObject({
      title: "Accord Registry: joins and withdrawals",
      author: "Accord Registry",
      self: "http://registry.test/feed.xml",
    });
    expect(feed.id).toMatch(/^tag:registry\.test,2018:/);
    expect(feed.updated).toMatch(RFC3339);
  });

  it("lists joins and withdrawals newest first, at most 50, with stable ids, RFC 3339 dates and absolute links", async () => {
    const { entries } = await readFeed();
    // 34 founders, Panda Security, 5 later joiners and one withdrawal.
    expect(entries.length).toBe(Math.min(50, 34 + 1 + 5 + 1));
    const published = entries.map((e) => e.published!);
    expect(published).toEqual([...published].sort().reverse());
    for (const e of entries) {
      expect(e.id).toMatch(/^tag:registry\.test,2018:signatory-event:\d+$/);
      expect(e.updated).toMatch(RFC3339);
      expect(e.published).toMatch(RFC3339);
      expect(e.link).toMatch(/^http:\/\/registry\.test\/signatories\/[a-z0-9-]+$/);
      expect(["joined", "withdrawn"]).toContain(e.category);
    }
    expect(new Set(entries.map((e) => e.id)).size).toBe(entries.length);
    // The newest: the Tokyo join (2024-01-20); the suspension (2024-02-01) is not a feed event.
    expect(entries[0]).toMatchObject({
      title: `${LATER.japanese} joined the Cybersecurity Tech Accord`,
      published: "2024-01-20T00:00:00.000Z",
    });
    const withdrawal = entries.find((e) => e.category === "withdrawn")!;
    expect(withdrawal).toMatchObject({
      title: `${LATER.withdrawn} withdrew from the Cybersecurity Tech Accord`,
      link: "http://registry.test/signatories/withdrawn-widgets-ltd",
      published: "2023-06-30T00:00:00.000Z",
    });
    expect(withdrawal.content).toContain("Reason given: Left the market");
    // The same entries keep the same ids on the next request.
    expect((await readFeed()).entries.map((e) => e.id)).toEqual(entries.map((e) => e.id));
  });

  it("shows names as text: markup and ampersands are escaped, and a reader gets them back exactly", async () => {
    const { entries } = await readFeed();
    const acme = entries.find((e) => e.link?.endsWith("/acme-quoted-and-co"))!;
    // type="html": the element's text is HTML, so the name's & arrives as &amp;.
    expect(acme.title).toBe("Acme, &quot;Quoted&quot; &amp; Co joined the Cybersecurity Tech Accord");
    expect(acme.content).toContain("Acme, &quot;Quoted&quot; &amp; Co (Germany, Cybersecurity) joined");
  });

  it("gets a new entry at the top after a join, and another after a withdrawal", async () => {
    const db = getDb();
    const before = (await readFeed()).entries.map((e) => e.id);
    const id = await db.transaction().execute((trx) =>
      createSignatory(trx, {
        name: "Feed <Test> Co",
        website: "https://feed-test.example",
        country: "IE",
        sector: "software",
        description: "Joins for the feed test.",
        joined_on: "2025-05-05",
        founding: false,
        pledges: [],
      }),
    );
    const afterJoin = (await readFeed()).entries;
    expect(afterJoin[0]).toMatchObject({
      title: "Feed &lt;Test&gt; Co joined the Cybersecurity Tech Accord",
      published: "2025-05-05T00:00:00.000Z",
      link: "http://registry.test/signatories/feed-test-co",
    });
    expect(before).not.toContain(afterJoin[0].id);

    await db.transaction().execute((trx) => setSignatoryStatus(trx, id, "withdrawn", { on: "2025-09-01", reason: "Test withdrawal" }));
    const afterWithdrawal = (await readFeed()).entries;
    expect(afterWithdrawal[0]).toMatchObject({
      title: "Feed &lt;Test&gt; Co withdrew from the Cybersecurity Tech Accord",
      published: "2025-09-01T00:00:00.000Z",
      category: "withdrawn",
    });
    expect(afterWithdrawal[1].id).toBe(afterJoin[0].id);
  });

  it("answers 304 to its own ETag, with a short cache lifetime", async () => {
    const first = await fetchFeed();
    const etag = first.headers.get("ETag")!;
    expect(first.headers.get("Cache-Control")).toBe("public, max-age=300, must-revalidate");
    expect((await fetchFeed({ "If-None-Match": etag })).status).toBe(304);
  });
});

describe("badges", () => {
  async function badge(slug: string, headers: Record<string, string> = {}) {
    const args = loaderArgs(`/signatories/${slug}/badge.svg`, { slug });
    const response = await badgeLoader({ ...args, request: new Request(args.request.url, { headers }) });
    return { response, svg: response.status === 304 ? "" : await response.text() };
  }
  const parseSvg = (svg: string) => new JSDOM(svg, { contentType: "image/svg+xml" }).window.document;

  it("is an accessible SVG stating the status and the join date, cached for five minutes at most", async () => {
    const { response, svg } = await badge("nokia");
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("image/svg+xml; charset=utf-8");
    expect(response.headers.get("Cache-Control")).toMatch(/^public, max-age=300\b/);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("*");
    const doc = parseSvg(svg);
    const root = doc.documentElement;
    expect(root.getAttribute("role")).toBe("img");
    const title = doc.getElementById(root.getAttribute("aria-labelledby")!)!;
    expect(title.localName).toBe("title");
    expect(title.textContent).toBe("Nokia: active signatory of the Cybersecurity Tech Accord since 17 April 2018");
    expect([...doc.getElementsByTagName("text")].map((t) => t.textContent)).toEqual([
      "Cybersecurity Tech Accord",
      "active · joined 2018-04-17",
    ]);
  });

  it("changes to withdrawn as soon as the signatory withdraws", async () => {
    const db = getDb();
    const before = await badge("f-secure");
    expect(before.svg).toContain("active · joined 2018-04-17");
    const etag = before.response.headers.get("ETag")!;
    const { id } = await db.selectFrom("signatories").select("id").where("slug", "=", "f-secure").executeTakeFirstOrThrow();
    await db.transaction().execute((trx) => setSignatoryStatus(trx, id, "withdrawn", { on: "2025-10-01", reason: "Test" }));
    const after = await badge("f-secure", { "If-None-Match": etag });
    expect(after.response.status).toBe(200);
    expect(after.svg).toContain("withdrawn · joined 2018-04-17");
    expect(parseSvg(after.svg).querySelector("title")!.textContent).toBe(
      "F-Secure: withdrew from the Cybersecurity Tech Accord on 1 October 2025 (joined 17 April 2018)",
    );
    expect(after.svg).not.toContain("active");
    expect((await badge("f-secure", { "If-None-Match": after.response.headers.get("ETag")! })).response.status).toBe(304);
  });

  it("says suspended for a suspended signatory", async () => {
    const { svg } = await badge("suspended-systems-inc");
    expect(svg).toContain("suspended · joined 2022-07-15");
  });

  it("escapes every piece of text: a name cannot inject markup", async () => {
    const { svg } = await badge("acme-quoted-and-co");
    expect(svg).toContain("Acme, &quot;Quoted&quot; &amp; Co: active signatory");
    const doc = parseSvg(svg);
    expect(doc.querySelector("title")!.textContent).toBe(
      `${LATER.quoted}: active signatory of the Cybersecurity Tech Accord since 2 May 2019`,
    );
    expect(doc.getElementsByTagName("script")).toHaveLength(0);
  });

  it("is a 404 for an unknown slug (still an image, saying not listed)", async () => {
    const { response, svg } = await badge("nobody-at-all");
    expect(response.status).toBe(404);
    expect(response.headers.get("Content-Type")).toBe("image/svg+xml; charset=utf-8");
    expect(svg).toContain("not listed");
  });

  it("is offered on the signatory page with HTML and Markdown snippets whose alt text names no status", async () => {
    const data = await pageLoader(loaderArgs("/signatories/nokia", { slug: "nokia" }));
    expect(data.badge).toEqual({
      path: "/signatories/nokia/badge.svg",
      alt: "Nokia: status in the Cybersecurity Tech Accord registry",
      html: '<a href="http://registry.test/signatories/nokia"><img src="http://registry.test/signatories/nokia/badge.svg" alt="Nokia: status in the Cybersecurity Tech Accord registry"></a>',
      markdown:
        "[![Nokia: status in the Cybersecurity Tech Accord registry](http://registry.test/signatories/nokia/badge.svg)](http://registry.test/signatories/nokia)",
    });
    const acme = await pageLoader(loaderArgs("/signatories/acme-quoted-and-co", { slug: "acme-quoted-and-co" }));
    expect(acme.badge.html).toContain('alt="Acme, &quot;Quoted&quot; &amp; Co: status');
  });
});

describe("rows stored with characters XML 1.0 forbids (written before the text rule, or by a path it missed)", () => {
  // PostgreSQL text cannot hold NUL, and both drivers turn an unpaired surrogate into
  // U+FFFD on the way in, so these are the forbidden characters a row can really hold.
  const DIRTY = "Dirty\u0001 Con\u0008trol\u000b Chars\u000c Co\u001f\ufffe\uffff";
  const CLEAN = "Dirty Control Chars Co";
  let slug: string;

  beforeAll(async () => {
    const db = getDb();
    const id = await db.transaction().execute((trx) =>
      createSignatory(trx, {
        name: DIRTY,
        website: "https://dirty.example",
        country: "DE",
        sector: "software",
        description: "Inserted directly\u0007, past every form.",
        joined_on: "2025-11-01",
        founding: false,
        pledges: [],
      }),
    );
    await db
      .transaction()
      .execute((trx) => setSignatoryStatus(trx, id, "withdrawn", { on: "2025-11-02", reason: "Left\u0002\u001b[2J the accord" }));
    slug = (await db.selectFrom("signatories").select("slug").where("id", "=", id).executeTakeFirstOrThrow()).slug;
  });

  it("/feed.xml stays well-formed XML: a strict parser reads it, with the characters left out", async () => {
    const { entries } = await readFeed();
    const mine = entries.filter((e) => e.link === `http://registry.test/signatories/${slug}`);
    expect(mine.map((e) => e.title)).toEqual([
      `${CLEAN} withdrew from the Cybersecurity Tech Accord`,
      `${CLEAN} joined the Cybersecurity Tech Accord`,
    ]);
    expect(mine[0].content).toContain("Reason given: Left[2J the accord");
  });

  it("the badge stays well-formed SVG, with the characters left out of its title", async () => {
    const args = loaderArgs(`/signatories/${slug}/badge.svg`, { slug });
    const response = await badgeLoader(args);
    expect(response.status).toBe(200);
    const svg = await response.text();
    const doc = new JSDOM(svg, { contentType: "image/svg+xml" }).window.document;
    expect(doc.querySelector("title")!.textContent).toBe(
      `${CLEAN}: withdrew from the Cybersecurity Tech Accord on 2 November 2025 (joined 1 November 2025)`,
    );
  });
});
