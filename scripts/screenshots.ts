// npm run screenshots: the main pages as people see them, at a desktop's 1366 × 900 and a
// phone's 390 × 844, as PNGs in docs/screenshots/ (or the folder given as the first
// argument). It runs the production build (built first if stale, as npm start does) on a
// throw-away seeded database, with the Chromium the tests use (CHROMIUM_PATH, else
// /usr/bin/chromium), so what it shows is the current code. An application is sent and
// followed through the real forms so the applicant's pages are there too (received, in
// review, the withdrawal confirmation, approved).
//
//   npm run screenshots                    first screen of each page (what is committed)
//   npm run screenshots -- /tmp/shots --full   whole pages, for a closer look
//   npm run screenshots -- /tmp/shots --no-js  the same without JavaScript
import { spawn } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { openDatabase } from "~/modules/database/db.server";
import { approveApplication } from "~/modules/moderation/decide.server";
import { createStaff } from "~/modules/staff/staff.server";
import { launchBrowser } from "../tests/helpers/browser";

const args = process.argv.slice(2);
const outDir = resolve(args.find((a) => !a.startsWith("--")) ?? "docs/screenshots");
const full = args.includes("--full");
const javaScript = !args.includes("--no-js");

const SIZES = [
  { name: "desktop", viewport: { width: 1366, height: 900 } },
  { name: "phone", viewport: { width: 390, height: 844 } },
] as const;

const PAGES: { name: string; path: string | (() => string) }[] = [
  { name: "home", path: "/" },
  { name: "directory", path: "/signatories" },
  { name: "signatory", path: "/signatories/microsoft" },
  { name: "stats", path: "/stats" },
  { name: "transparency", path: "/transparency" },
  { name: "apply", path: "/apply" },
];

/** The production server, as npm start runs it, on a free port and a throw-away database. */
async function startServer() {
  const port = await new Promise<number>((done) => {
    const probe = createServer().listen(0, "127.0.0.1", () => {
      const address = probe.address();
      probe.close(() => done(typeof address === "object" && address ? address.port : 0));
    });
  });
  const url = `http://127.0.0.1:${port}`;
  const databasePath = join(tmpdir(), `accord-screenshots-${randomUUID()}.db`);
  const child = spawn(process.execPath, [join(process.env.BUILD_DIR ?? "build", "server-main.js")], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      HOST: "127.0.0.1",
      PORT: String(port),
      DATABASE_URL: databasePath,
      PUBLIC_URL: url,
      SESSION_SECRET: randomBytes(32).toString("hex"),
      LOG_LEVEL: "warn",
      APPLY_LIMIT_PER_HOUR: "0",
      READ_LIMIT_PER_MINUTE: "0",
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  for (let i = 0; i < 150; i++) {
    const ready = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    databasePath,
    async stop() {
      child.kill("SIGTERM");
      await new Promise((r) => child.once("exit", r));
      for (const suffix of ["", "-wal", "-shm"]) rmSync(databasePath + suffix, { force: true });
    },
  };
}

async function main() {
  mkdirSync(outDir, { recursive: true });
  const server = await startServer();
  const browser = await launchBrowser();
  try {
    const status = await sendAnApplication(server.url, server.databasePath, "northwind-security");
    const approved = await sendAnApplication(server.url, server.databasePath, "borealis-labs");
    await approveAsModerator(server.databasePath, approved);
    PAGES.push(
      { name: "apply-received", path: `/apply/received?ref=${refOf(status)}` },
      { name: "application-status", path: status },
      { name: "application-withdraw", path: () => withdrawPath(status) },
      { name: "application-approved", path: approved },
    );
    for (const size of SIZES) {
      const context = await browser.newContext({ javaScript, baseURL: server.url, viewport: size.viewport });
      const page = await context.newPage();
      for (const { name, path } of PAGES) {
        await page.goto(typeof path === "string" ? path : path(), { waitUntil: "networkidle" });
        await page.evaluate(() => document.fonts.ready);
        const file = join(outDir, `${name}-${size.name}.png`);
        await page.screenshot({ path: file, fullPage: full });
        console.log(`screenshots: ${file}`);
      }
      // The application form with its errors, sent empty (the browser's answer with JavaScript,
      // the server's without).
      await page.goto("/apply");
      await page.waitForTimeout(2_100); // the form's minimum fill time
      await page.getByRole("button", { name: "Send the application" }).click();
      await page.locator(".error-summary").waitFor();
      await page.screenshot({ path: join(outDir, `apply-errors-${size.name}.png`), fullPage: full });
      await context.close();
    }
  } finally {
    await browser.close();
    await server.stop();
  }
}

/** A moderator approves the application behind a status page's address, as the staff area does. */
async function approveAsModerator(databasePath: string, statusPath: string) {
  const db = openDatabase(databasePath);
  try {
    const who = { actor: "cli:screenshots", actorLabel: "npm run screenshots", ip: null };
    const staff = await createStaff(
      db,
      {
        email: "screenshots@registry.test",
        name: "Screenshot Moderator",
        role: "moderator",
        password: randomBytes(18).toString("base64url"),
      },
      who,
    );
    if (!staff.ok) throw new Error("screenshots: could not create the moderator");
    const ref = refOf(statusPath);
    const by = { id: staff.value, actor: { actor: `staff:${staff.value}`, actorLabel: "Screenshot Moderator", ip: null } };
    const result = await approveApplication(db, ref, new Date().toISOString().slice(0, 10), by);
    if (!result.ok) throw new Error(`screenshots: could not approve ${ref}`);
  } finally {
    await db.destroy();
  }
}

/** The reference in a status page's address (/applications/REF?token=…). */
const refOf = (statusPath: string) => statusPath.split("/")[2].split("?")[0];

const withdrawPath = (status: string) => status.replace(/^(\/applications\/[^?]+)\?/, "$1/withdraw?");

/** Applies through the form over HTTP, confirms the address, and returns the status page's address. */
async function sendAnApplication(base: string, databasePath: string, domain: string): Promise<string> {
  const form = await fetch(`${base}/apply`);
  const cookie = form.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const html = await form.text();
  const hidden = [...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map(([, n, v]) => [
    n,
    v.replace(/&amp;/g, "&"),
  ]);
  const honeypot = html.match(/<input id="form-extra-field" type="text" name="([^"]+)"/)![1];
  await new Promise((r) => setTimeout(r, 2_100));
  const body = new URLSearchParams([
    ...hidden,
    [honeypot, ""],
    ["name", domain === "borealis-labs" ? "Borealis Labs" : "Northwind Security Ltd"],
    ["website", `https://www.${domain}.co.uk`],
    ["country", "GB"],
    ["sector", "security"],
    ["description", "Northwind builds intrusion detection for small hospitals and schools across Europe."],
    ["contact_name", "Jane Doe"],
    ["contact_title", "Chief Information Security Officer"],
    ["contact_email", `jane@${domain}.co.uk`],
    ...["stronger-defense", "no-offense", "capacity-building", "collective-action"].map((p) => ["pledges", p]),
    ["accept", "on"],
  ]);
  const sent = await fetch(`${base}/apply`, {
    method: "POST",
    redirect: "manual",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookie, Origin: base },
    body,
  });
  if (sent.status !== 303) throw new Error(`screenshots: the application was refused (${sent.status})`);
  // The mail waits in the outbox (no SMTP_URL): its links are the applicant's.
  const db = openDatabase(databasePath);
  try {
    const mail = await db.selectFrom("mail_outbox").select("text_body").orderBy("id", "desc").executeTakeFirstOrThrow();
    const verify = mail.text_body.match(/https?:\/\/\S+\/apply\/verify\?token=\S+/)![0];
    const status = mail.text_body.match(/https?:\/\/\S+\/applications\/AR-\S+\?token=\S+/)![0];
    await fetch(verify);
    return status.slice(base.length);
  } finally {
    await db.destroy();
  }
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
