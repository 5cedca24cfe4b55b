// npm run user:create -- --email E --name N --role admin|moderator
// Creates a staff account. The password is read from standard input (one line), so it
// never appears in the shell history or the process list. Exit 1 with a message on a
// taken e-mail, a weak password or bad arguments.
import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import { createInterface } from "node:readline";
import { z } from "zod";
import { closeDb, getDb, migrateToLatest } from "~/modules/database/db.server";
import { errorMessage } from "~/modules/result";
import { createStaff } from "~/modules/staff/staff.server";

const argsSchema = z.object({
  email: z
    .string({ error: "--email is required" })
    .trim()
    .toLowerCase()
    .pipe(z.email({ error: "--email must be an e-mail address" })),
  name: z.string({ error: "--name is required" }).trim().min(2, { error: "--name must be at least 2 characters" }).max(120),
  role: z.enum(["admin", "moderator"], { error: "--role must be admin or moderator" }),
});

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write("Password (at least 12 characters, one line): ");
  const lines = createInterface({ input: process.stdin, terminal: false });
  for await (const line of lines) {
    lines.close();
    return line.replace(/\r$/, "");
  }
  return "";
}

function fail(message: string): never {
  console.error(`user:create: ${message}`);
  process.exit(1);
}

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    options: { email: { type: "string" }, name: { type: "string" }, role: { type: "string" } },
    strict: true,
  }));
} catch (error) {
  fail(`${error instanceof Error ? error.message : error}\nusage: npm run user:create -- --email E --name N --role admin|moderator`);
}
const args = argsSchema.safeParse(values);
if (!args.success) {
  fail(`${args.error.issues.map((i) => i.message).join("; ")}\nusage: npm run user:create -- --email E --name N --role admin|moderator`);
}

const password = await readPassword();
if (!password) fail("no password given on standard input");

try {
  const db = getDb();
  await migrateToLatest(db);
  const by = { actor: `cli:${userInfo().username}`, actorLabel: `npm run user:create (${userInfo().username})`, ip: null };
  const created = await createStaff(db, { ...args.data, password }, by);
  if (!created.ok) {
    await closeDb();
    const { error } = created;
    fail(error.kind === "invalid" && error.errors ? Object.values(error.errors).join(" ") : errorMessage(error));
  }
  console.log(`user:create: created ${args.data.role} ${args.data.email} (staff id ${created.value})`);
} catch (error) {
  console.error(`user:create: ${error instanceof Error ? error.message : error}`);
  process.exitCode = 1;
} finally {
  await closeDb();
}
