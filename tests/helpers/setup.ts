// Runs before every test file: each file gets its own throw-away SQLite database.
import { randomUUID } from "node:crypto";
import { tmpdir } from "node:os";
import { join } from "node:path";

process.env.DATABASE_URL = join(tmpdir(), `accord-test-${randomUUID()}.db`);
process.env.PUBLIC_URL = "http://registry.test";
process.env.SESSION_SECRET = randomUUID() + randomUUID();
