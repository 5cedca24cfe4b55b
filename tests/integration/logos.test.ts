// Logos end to end (issue 14, CONTRACT §8): hostile files are refused beside the field with
// a clear message and never a 5xx (SVG, text named .png, a GIF/HTML polyglot, a
// decompression bomb, damaged and oversize files); good ones are re-encoded (metadata such as
// EXIF GPS gone, anything appended gone, whatever the file was called); the logo travels
// with the application, is approved with it, served at /signatories/:slug/logo with an ETag
// and long caching, shown in the API as logo_url, and replaceable by a moderator.
import { deflateSync } from "node:zlib";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import type { AppLoadContext } from "@remix-run/node";
import { LOGO_MESSAGES, processLogo } from "~/modules/logos/logos.server";
import { csrfToken } from "~/modules/security/csrf.server";
import * as apiSignatory from "~/routes/api.v1.signatories.$slug";
import * as apiList from "~/routes/api.v1.signatories._index";
import * as applyRoute from "~/routes/apply";
import * as applicationPage from "~/routes/moderation.applications.$ref";
import * as applicationLogoRoute from "~/routes/moderation.applications.$ref.logo";
import * as editSignatory from "~/routes/moderation.signatories.$slug";
import * as logoRoute from "~/routes/signatories.$slug.logo";
import { useSeededDatabase } from "../helpers/db";
import { loaderArgs, TEST_ORIGIN } from "../helpers/remix";
import { bodyOf, freshVisitor, validFields, type Fields } from "./apply-fixtures";
import { createStaffUser, getAs, respond, sessionCookie } from "./staff-fixtures";

const getDb = useSeededDatabase();

const file = (bytes: Uint8Array | string, name: string, type: string) =>
  new File([typeof bytes === "string" ? bytes : new Uint8Array(bytes)], name, { type });

async function png(width = 64, height = 64): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: { r: 11, g: 37, b: 69, alpha: 1 } } })
    .png()
    .toBuffer();
}

/** A JPEG carrying EXIF with GPS coordinates and a camera model. */
async function jpegWithGps(): Promise<Buffer> {
  return sharp({ create: { width: 120, height: 80, channels: 3, background: "#c0ffee" } })
    .jpeg()
    .withExif({
      IFD0: { Make: "SpyCam", Model: "Tracker 3000" },
      IFD3: { GPSLatitudeRef: "N", GPSLatitude: "51/1 30/1 0/1", GPSLongitudeRef: "W", GPSLongitude: "0/1 7/1 0/1" },
    })
    .toBuffer();
}

/** A decompression bomb: a PNG whose header declares 20,000 × 20,000 pixels (400 megapixels,
 * 1.6 GB decoded), with a few kilobytes of deflated zeros as its data. Built by hand: no
 * library would make one this cheaply. */
function bomb(): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const b of bytes) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const head = Buffer.alloc(4);
    head.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
    const tail = Buffer.alloc(4);
    tail.writeUInt32BE(crc(body));
    return Buffer.concat([head, body, tail]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(20_000, 0);
  ihdr.writeUInt32BE(20_000, 4);
  ihdr.set([8, 0, 0, 0, 0], 8); // 8-bit greyscale
  const rows = deflateSync(Buffer.alloc(20_001 * 50));
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk("IHDR", ihdr),
    chunk("IDAT", rows),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

const refusal = async (f: File) => {
  const result = await processLogo(f);
  expect(result.ok).toBe(false);
  return result.ok || !("errors" in result.error) ? null : (result.error.errors?.logo ?? null);
};

describe("processing an upload", () => {
  it("re-encodes a good PNG as PNG and WebP at 256 × 256, whatever the file is called", async () => {
    const result = await processLogo(file(await png(300, 120), "logo.jpg", "image/jpeg"));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const [p, w] = await Promise.all([sharp(result.value.png).metadata(), sharp(result.value.webp).metadata()]);
    expect([p.format, p.width, p.height]).toEqual(["png", 256, 256]);
    expect([w.format, w.width, w.height]).toEqual(["webp", 256, 256]);
    expect(result.value.hash).toMatch(/^[0-9a-f]{16}$/);
  });

  it("drops metadata: EXIF with GPS coordinates is gone from both images", async () => {
    const input = await jpegWithGps();
    expect((await sharp(input).metadata()).exif).toBeDefined();
    const result = await processLogo(file(input, "photo.jpg", "image/jpeg"));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    for (const out of [result.value.png, result.value.webp]) {
      const meta = await sharp(out).metadata();
      expect(meta.exif).toBeUndefined();
      expect(meta.xmp).toBeUndefined();
      expect(out.includes(Buffer.from("SpyCam"))).toBe(false);
      expect(out.includes(Buffer.from("Tracker 3000"))).toBe(false);
    }
  });

  it("keeps the pixels of a polyglot and drops its payload (a PNG with HTML and a ZIP appended)", async () => {
    const payload = Buffer.from('<html><script>alert("owned")</script></html>PK\u0003\u0004');
    const polyglot = Buffer.concat([await png(), payload]);
    const result = await processLogo(file(polyglot, "logo.png", "image/png"));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    for (const out of [result.value.png, result.value.webp]) expect(out.includes(Buffer.from("<script>"))).toBe(false);
  });

  it("refuses SVG, by its content too, with the reason", async () => {
    const svg = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="10" height="10"/></svg>';
    expect(await refusal(file(svg, "logo.svg", "image/svg+xml"))).toBe(LOGO_MESSAGES.svg);
    expect(await refusal(file(`<?xml version="1.0"?>\n${svg}`, "logo.png", "image/png"))).toBe(LOGO_MESSAGES.svg);
  });

  it("refuses what is not a PNG, JPEG or WebP: text named .png, a GIF/HTML polyglot, a GIF", async () => {
    expect(await refusal(file("just some text, not an image", "logo.png", "image/png"))).toBe(LOGO_MESSAGES.format);
    expect(await refusal(file("GIF89a<script>alert(1)</script>", "logo.gif", "image/gif"))).toBe(LOGO_MESSAGES.format);
    const gif = await sharp({ create: { width: 32, height: 32, channels: 3, background: "#000" } })
      .gif()
      .toBuffer();
    expect(await refusal(file(gif, "logo.png", "image/png"))).toBe(LOGO_MESSAGES.format);
  });

  it("refuses a decompression bomb from its header, without decoding it", async () => {
    const input = bomb();
    expect(input.length).toBeLessThan(2 * 1024 * 1024);
    const started = Date.now();
    expect(await refusal(file(input, "logo.png", "image/png"))).toBe(LOGO_MESSAGES.tooManyPixels);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("refuses a damaged file, a tiny image and a file over 2 MiB", async () => {
    const good = await png(200, 200);
    expect(await refusal(file(good.subarray(0, good.length - 40), "logo.png", "image/png"))).toBe(LOGO_MESSAGES.unreadable);
    expect(await refusal(file(await png(8, 8), "logo.png", "image/png"))).toBe(LOGO_MESSAGES.tooSmall);
    expect(await refusal(file(new Uint8Array(2 * 1024 * 1024 + 1), "logo.png", "image/png"))).toBe(LOGO_MESSAGES.tooLarge);
  });
});

/** POST /apply as a browser sends it with a file: multipart/form-data. */
function multipartApply(fields: Fields, logo: File | null, context: AppLoadContext) {
  const body = new FormData();
  for (const [name, value] of Object.entries(fields)) for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
  body.set("csrf", csrfToken(context));
  body.set("logo", logo ?? new File([], "", { type: "application/octet-stream" }));
  const request = new Request(`${TEST_ORIGIN}/apply`, { method: "POST", headers: { Origin: TEST_ORIGIN }, body });
  return respond(applyRoute.action, { request, params: {}, context });
}

describe("a logo from application to directory", () => {
  let cookie: string;
  beforeAll(async () => {
    const moderator = await createStaffUser(getDb(), { name: "Lotte Logo" });
    cookie = (await sessionCookie(getDb(), moderator.id)).cookie;
  });

  it("is refused beside the field with the other answers' messages, nothing stored or counted", async () => {
    const context = freshVisitor();
    const response = await multipartApply(validFields({ name: "" }), file("<svg/>", "logo.png", "image/png"), context);
    expect(response.status).toBe(400);
    const body = await bodyOf(response);
    expect(body.logoError).toBe(LOGO_MESSAGES.svg);
    expect(body.errors.name).toBeTruthy();
    // Alone wrong, the logo still stops the application.
    const fields = validFields();
    const alone = await multipartApply(fields, file("not an image", "logo.png", "image/png"), context);
    expect(alone.status).toBe(400);
    expect((await bodyOf(alone)).logoError).toBe(LOGO_MESSAGES.format);
    const stored = await getDb().selectFrom("applications").select("id").where("name", "=", String(fields.name)).execute();
    expect(stored).toEqual([]);
    expect(await getDb().selectFrom("application_logos").select("application_id").execute()).toEqual([]);
  });

  it("travels with the application, is approved with it, served with an ETag and long caching, and can be replaced", async () => {
    const db = getDb();
    const fields = validFields();
    const response = await multipartApply(fields, file(await jpegWithGps(), "logo.jpeg", "image/jpeg"), freshVisitor());
    expect(response.status).toBe(303);
    const app = await db.selectFrom("applications").selectAll().where("name", "=", String(fields.name)).executeTakeFirstOrThrow();
    expect(await db.selectFrom("application_logos").select("hash").where("application_id", "=", app.id).executeTakeFirst()).toBeTruthy();
    await db
      .updateTable("applications")
      .set({ status: "pending", verified_at: new Date().toISOString() })
      .where("id", "=", app.id)
      .execute();

    // The moderator sees it (staff only) and approves it with the application.
    const page = await (
      await respond(applicationPage.loader, getAs(`/moderation/applications/${app.ref}`, cookie, { ref: app.ref }))
    ).json();
    expect(page.hasLogo).toBe(true);
    const staffImage = await respond(
      applicationLogoRoute.loader,
      getAs(`/moderation/applications/${app.ref}/logo`, cookie, { ref: app.ref }),
    );
    expect(staffImage.status).toBe(200);
    expect(staffImage.headers.get("Content-Type")).toBe("image/png");
    const anonymous = await respond(applicationLogoRoute.loader, getAs(`/moderation/applications/${app.ref}/logo`, null, { ref: app.ref }));
    expect(anonymous.status).toBe(303);
    const { postAs } = await import("./staff-fixtures");
    const approved = await respond(
      applicationPage.action,
      postAs(`/moderation/applications/${app.ref}`, { intent: "approve", joined_on: "2024-05-02" }, cookie, { params: { ref: app.ref } }),
    );
    expect(approved.status).toBe(303);
    const { slug } = await db
      .selectFrom("signatories")
      .select("slug")
      .where(
        "id",
        "=",
        (await db.selectFrom("applications").select("signatory_id").where("id", "=", app.id).executeTakeFirstOrThrow()).signatory_id!,
      )
      .executeTakeFirstOrThrow();

    // Served: PNG by default, WebP on request, an ETag, a year for the address naming it.
    const { hash } = await db.selectFrom("signatory_logos").select("hash").executeTakeFirstOrThrow();
    const served = await respond(logoRoute.loader, loaderArgs(`/signatories/${slug}/logo?v=${hash}`, { slug }));
    expect(served.status).toBe(200);
    expect(served.headers.get("Content-Type")).toBe("image/png");
    expect(served.headers.get("Cache-Control")).toBe("public, max-age=31536000, immutable");
    const etag = served.headers.get("ETag")!;
    expect(etag).toBe(`"${hash}-png"`);
    const bytes = Buffer.from(await served.arrayBuffer());
    expect((await sharp(bytes).metadata()).exif).toBeUndefined();
    const webp = await respond(logoRoute.loader, loaderArgs(`/signatories/${slug}/logo?format=webp`, { slug }));
    expect(webp.headers.get("Content-Type")).toBe("image/webp");
    expect(webp.headers.get("Cache-Control")).toBe("public, max-age=3600");
    const again = loaderArgs(`/signatories/${slug}/logo`, { slug });
    const conditional = new Request(again.request.url, { headers: { "If-None-Match": etag } });
    expect((await respond(logoRoute.loader, { ...again, request: conditional })).status).toBe(304);
    // The API names it (logo_url, absolute, versioned); a signatory without one has null.
    const api = await (await respond(apiSignatory.loader, loaderArgs(`/api/v1/signatories/${slug}`, { slug }))).json();
    expect(api.data.logo_url).toBe(`http://registry.test/signatories/${slug}/logo?v=${hash}`);
    const nokia = await (await respond(apiSignatory.loader, loaderArgs(`/api/v1/signatories/nokia`, { slug: "nokia" }))).json();
    expect(nokia.data.logo_url).toBeNull();
    const list = await (
      await respond(apiList.loader, loaderArgs(`/api/v1/signatories?q=${encodeURIComponent(String(fields.name))}`))
    ).json();
    expect(list.data.map((d: { logo_url: string | null }) => d.logo_url)).toEqual([api.data.logo_url]);
    // Without a logo: 404.
    expect((await respond(logoRoute.loader, loaderArgs(`/signatories/nokia/logo`, { slug: "nokia" }))).status).toBe(404);

    // A moderator replaces it: a new hash, audited; an SVG is refused beside the field.
    const upload = async (f: File) => {
      const context = freshVisitor();
      const body = new FormData();
      body.set("csrf", csrfToken(context));
      body.set("intent", "logo");
      body.set("logo", f);
      const request = new Request(`${TEST_ORIGIN}/moderation/signatories/${slug}`, {
        method: "POST",
        headers: { Origin: TEST_ORIGIN, Cookie: cookie },
        body,
      });
      return respond(editSignatory.action, { request, params: { slug }, context });
    };
    const svg = await upload(file('<svg xmlns="http://www.w3.org/2000/svg"/>', "new.svg", "image/svg+xml"));
    expect(svg.status).toBe(400);
    expect((await bodyOf(svg)).errors.logo).toBe(LOGO_MESSAGES.svg);
    const replaced = await upload(file(await png(512, 512), "new.png", "image/png"));
    expect(replaced.status).toBe(303);
    const after = await db.selectFrom("signatory_logos").select("hash").executeTakeFirstOrThrow();
    expect(after.hash).not.toBe(hash);
    const audit = await db.selectFrom("audit_log").selectAll().where("action", "=", "signatory.logo").executeTakeFirstOrThrow();
    expect(JSON.parse(audit.after_json!)).toEqual({ logo: after.hash });
  });
});
