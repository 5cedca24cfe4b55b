// `npm run user:create` (CONTRACT §1) as an operator runs it: a child process with the
// password on standard input.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { verifyPassword } from "~/modules/auth/password.server";
import { useSeededDatabase } from "../helpers/db";

const getDb = useSeededDatabase();

function userCreate(args: string[], stdin: string) {
  const run = spawnSync("npm", ["run", "-s", "user:create", "--", ...args], {
    env: { ...process.env, NODE_ENV: "production", LOG_LEVEL: "silent" },
    input: stdin,
    encoding: "utf8",
    timeout: 60_000,
  });
  return { code: run.status, stdout: run.stdout.trim(), stderr: run.stderr.trim() };
}

describe("npm run user:create", () => {
  it("creates an account from one line of standard input, hashed, audited", async () => {
    const run = userCreate(["--email", "Ada@Example.org", "--name", "Ada Lovelace", "--role", "admin"], "difference engine at dawn\n");
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^user:create: created admin ada@example\.org \(staff id \d+\)$/);
    const staff = await getDb().selectFrom("staff").selectAll().where("email", "=", "ada@example.org").executeTakeFirstOrThrow();
    expect(staff).toMatchObject({ name: "Ada Lovelace", role: "admin", active: 1 });
    expect(staff.password_hash.startsWith("$argon2id$v=19$m=19456,t=2,p=1$")).toBe(true);
    expect(await verifyPassword(staff.password_hash, "difference engine at dawn")).toBe(true);
    const audit = await getDb().selectFrom("audit_log").selectAll().where("action", "=", "staff.create").execute();
    expect(audit).toHaveLength(1);
    expect(audit[0].actor).toMatch(/^cli:/);
    expect(audit[0].after_json).not.toContain("difference engine");
  });

  it("exits 1 with a clear message for a taken e-mail", () => {
    const run = userCreate(["--email", "ada@example.org", "--name", "Ada Again", "--role", "moderator"], "another fine passphrase\n");
    expect(run.code).toBe(1);
    expect(run.stderr).toBe("user:create: A staff account with the e-mail ada@example.org already exists.");
  });

  it.each([
    ["too short", "short pass", "user:create: The password must be at least 12 characters long."],
    ["common", "Password1234", "user:create: This password is too common or too easy to guess: choose a longer phrase of your own."],
    ["missing", "", "user:create: no password given on standard input"],
  ])("exits 1 for a weak password (%s), creating nothing", async (_kind, password, message) => {
    const run = userCreate(["--email", "max@example.org", "--name", "Max Weak", "--role", "moderator"], `${password}\n`);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(message);
    expect(await getDb().selectFrom("staff").select("id").where("email", "=", "max@example.org").executeTakeFirst()).toBeUndefined();
  });

  it("exits 1 naming what is wrong with the arguments", () => {
    const run = userCreate(["--email", "not-an-address", "--role", "owner"], "a perfectly fine passphrase\n");
    expect(run.code).toBe(1);
    expect(run.stderr).toContain("--email must be an e-mail address; --name is required; --role must be admin or moderator");
    expect(run.stderr).toContain("usage: npm run user:create -- --email E --name N --role admin|moderator");
  });
});
