// Error pages and logs of the production server (security catalogue 44, 47-50):
// a real fault in a loader gives a generic page with an error id and the log has the
// stack under the same id; journeys leave no password, token, cookie or secret in any
// log line; user input cannot forge a log line; production refuses to start without a
// proper SESSION_SECRET.
import Sqlite from "better-sqlite3";
import { spawnSync } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DB } from "~/modules/database/db.server";
import { SERVER_ARGS, startServer, type TestServer } from "../helpers/server";
import { startTestSmtp, type TestSmtp } from "../helpers/smtp";
import { createStaffUser } from "../integration/staff-fixtures";
import { applicationFields, Client, fillTime } from "./client";
import { logLines, ROOT, serverEnv } from "./process";

const dbPath = join(tmpdir(), `accord-security-logs-${randomUUID()}.db`);
const SECRET = randomBytes(32).toString("hex");
const PASSWORD = "velvet compass under 7 bridges";
const WRONG_PASSWORD = "copper kettle sings at noon 3";
let server: TestServer;
let smtp: TestSmtp;
let db: DB;

beforeAll(async () => {
  smtp = await startTestSmtp();
  // The most talkative level: whatever is logged at all is checked.
  server = await startServer({
    DATABASE_URL: dbPath,
    SMTP_URL: smtp.url,
    SESSION_SECRET: SECRET,
    LOG_LEVEL: "trace",
    STAFF_MFA: "optional",
  });
  db = openDatabase(dbPath);
}, 60_000);

afterAll(async () => {
  await db?.destroy();
  await Promise.allSettled([server?.stop(), smtp?.close()]);
  for (const suffix of ["", "-wal", "-shm"]) rmSync(dbPath + suffix, { force: true });
});

const STACK = /\bat \S+ \(|\bat file:|node_modules|\/work\/|\.tsx?:\d+|\.m?js:\d+|SqliteError|no such table|select .* from/i;

describe("a fault while serving a page, in production [ASVS 16.5.1, catalogue 49]", () => {
  it("shows a generic page with an error id; the log has the stack under the same id", async () => {
    // A real fault: an operator's manual edit renamed a table under the running server.
    const edit = new Sqlite(dbPath);
    edit.pragma("busy_timeout = 5000");
    edit.exec("alter table pledges rename to pledges_renamed_by_hand");
    let response: Response;
    let body: string;
    try {
      response = await fetch(`${server.url}/pledges`);
      body = await response.text();
    } finally {
      edit.exec("alter table pledges_renamed_by_hand rename to pledges");
      edit.close();
    }
    expect(response.status).toBe(500);
    expect(response.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(body).toContain("Something went wrong");
    const id = /data-error-id="([0-9a-f-]{36})"/.exec(body)?.[1];
    expect(id, "the page names an error id").toBeDefined();
    expect(body).toContain(`quote the error id <code>${id}</code>`);
    expect(response.headers.get("X-Request-Id")).toBe(id);
    expect(body).not.toMatch(STACK);
    expect(body).not.toContain("pledges_renamed");

    const loggedLines = () =>
      logLines(server.output()).filter(
        (l): l is Record<string, any> => typeof l === "object" && l.event === "unhandled_error" && l.requestId === id,
      );
    // The log reaches this process through a pipe: wait for the line to arrive.
    await expect.poll(() => loggedLines().length).toBe(1);
    const logged = loggedLines();
    expect(logged[0].err.stack).toMatch(/no such table: pledges/);
    expect(logged[0].err.stack).toMatch(/\n\s+at /);
    // And the page works again once the table is back.
    expect((await fetch(`${server.url}/pledges`)).status).toBe(200);
  });
});

describe("logs", () => {
  const secrets: string[] = [SECRET, PASSWORD, WRONG_PASSWORD];
  const FORGED = 'x@registry.test\r\n{"level":30,"event":"sign_in","actorId":999999,"username":"admin@registry.test"}';

  it("journeys (apply, verify, status page, sign in, approve, sign out) leave nothing secret in any log line [ASVS 16.2.5, catalogue 47]", async () => {
    const staff = await createStaffUser(db, { password: PASSWORD, name: "Lena Logchecker" });
    const applicant = new Client(server.url);
    await applicant.get("/apply");
    await fillTime();
    const domain = `logcheck-${randomBytes(3).toString("hex")}.example`;
    const applied = await applicant.post("/apply", applicationFields(domain));
    expect(applied.response.status).toBe(303);
    const [mail] = await smtp.waitFor(1);
    const verify = mail.links.find((l) => l.includes("/apply/verify?token="))!;
    const status = mail.links.find((l) => /\/applications\/[^/?]+\?token=/.test(l))!;
    for (const link of [verify, status]) secrets.push(new URL(link).searchParams.get("token")!);
    expect((await applicant.get(verify.replace(/^https?:\/\/[^/]+/, ""))).response.status).toBe(200);
    expect((await applicant.get(status.replace(/^https?:\/\/[^/]+/, ""))).response.status).toBe(200);
    const ref = /\/applications\/([^/?]+)/.exec(status)![1];

    const moderator = new Client(server.url);
    await moderator.get("/login");
    expect((await moderator.post("/login", { email: staff.email, password: WRONG_PASSWORD })).response.status).toBe(401);
    // A forged log line in the e-mail field (catalogue 48, checked below).
    expect((await moderator.post("/login", { email: FORGED, password: WRONG_PASSWORD })).response.status).toBeLessThan(500);
    expect((await moderator.post("/login", { email: staff.email, password: PASSWORD })).response.status).toBe(303);
    await moderator.get(`/moderation/applications/${ref}`);
    const approved = await moderator.post(`/moderation/applications/${ref}`, { intent: "approve" });
    expect(approved.response.status).toBe(303);
    expect((await moderator.post("/logout", {})).response.status).toBe(303);
    await smtp.waitFor(2);

    for (const client of [applicant, moderator]) {
      for (const value of client.seenCookieValues) secrets.push(value);
      secrets.push(client.hidden.csrf ?? "");
    }
    const output = server.output();
    expect(output).toContain('"event":"sign_in"');
    expect(output).toContain('"event":"application_submitted"');
    const found = secrets.filter((s) => s.length >= 8 && output.includes(s));
    expect(found, "secrets found in the log").toEqual([]);
    expect(secrets.filter((s) => s.length >= 8).length).toBeGreaterThanOrEqual(9);
  });

  it("puts each event on one JSON line with its time (UTC), event, who, address and request id [ASVS 16.2.1, 16.3.1, catalogue 44]", () => {
    const lines = logLines(server.output()).filter((l): l is Record<string, any> => typeof l === "object");
    for (const event of ["sign_in", "sign_in_failed", "sign_out"]) {
      const line = lines.find((l) => l.event === event);
      expect(line, event).toBeDefined();
      expect(line!.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      expect(line!.actorId ?? line!.username).toBeDefined();
      expect(line!.ip).toBe("127.0.0.1");
      expect(line!.requestId).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("records refused access: anonymous in the staff area, a moderator under /admin [ASVS 16.3.2, catalogue 45]", async () => {
    await fetch(`${server.url}/moderation/audit`, { redirect: "manual" }).then((r) => r.arrayBuffer());
    const moderator = await createStaffUser(db, { password: PASSWORD });
    const client = new Client(server.url);
    await client.get("/login");
    expect((await client.post("/login", { email: moderator.email, password: PASSWORD })).response.status).toBe(303);
    expect((await client.get("/admin/users")).response.status).toBe(403);
    // The server's log reaches this process through a pipe: wait for the lines to arrive.
    const denied = () =>
      logLines(server.output()).filter((l): l is Record<string, any> => typeof l === "object" && l.event === "authz_denied");
    await expect.poll(() => denied().some((l) => l.reason === "no_session" && l.path === "/moderation/audit")).toBe(true);
    await expect
      .poll(() => denied().some((l) => l.reason === "role" && l.staffId === moderator.id && l.path === "/admin/users"))
      .toBe(true);
  });

  it("cannot be forged by user input: CR LF and JSON stay inside one escaped value [ASVS 16.4.1, catalogue 48]", async () => {
    // The path is logged too: send one with an encoded line break and a fake event.
    await fetch(`${server.url}/signatories/x%0d%0a%7B%22event%22%3A%22sign_in%22%7D`);
    const lines = logLines(server.output());
    const notJson = lines.filter((l) => typeof l === "string");
    // The only lines that are not JSON are the start-up banner.
    expect(notJson.every((l) => String(l).startsWith("Accord Registry listening on"))).toBe(true);
    const events = lines.filter((l): l is Record<string, any> => typeof l === "object");
    // The real sign-ins are the only sign_in events (the forged one is a value).
    expect(events.filter((l) => l.event === "sign_in").length).toBeGreaterThan(0);
    expect(events.filter((l) => l.event === "sign_in" && l.actorId === 999999)).toHaveLength(0);
    expect(events.filter((l) => l.username === "admin@registry.test")).toHaveLength(0);
    const failed = events.find((l) => l.event === "sign_in_failed" && String(l.username).startsWith("x@registry.test"));
    // (Stored as typed, folded to lower case as e-mail addresses are.)
    expect(failed?.username).toBe(FORGED.toLowerCase());
    expect(server.output()).toContain(JSON.stringify(FORGED).slice(1, 40));
  });
});

describe("start-up refuses an unsafe configuration [ASVS 13.3.1, catalogue 50]", () => {
  it.each([
    ["no SESSION_SECRET", undefined, /SESSION_SECRET is required when NODE_ENV=production/],
    ["an empty SESSION_SECRET", "", /SESSION_SECRET is required when NODE_ENV=production/],
    ["a short SESSION_SECRET", "changeme", /SESSION_SECRET must be at least 32 characters long/],
  ])("with %s: exits non-zero and says why", (_what, secret, message) => {
    const file = join(tmpdir(), `accord-startup-${randomUUID()}.db`);
    const run = spawnSync(process.execPath, SERVER_ARGS, {
      cwd: ROOT,
      env: serverEnv({ SESSION_SECRET: secret, DATABASE_URL: file, PORT: "0" }),
      encoding: "utf8",
      timeout: 20_000,
    });
    for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/start-up failed/);
    expect(run.stderr).toMatch(message);
    expect(run.stderr + run.stdout).not.toContain("listening");
  });
});
