// Runs before every test file: each file gets its own throw-away database (a SQLite
// file, or a PostgreSQL database in the PostgreSQL pass: see engine.ts).
import { randomUUID } from "node:crypto";
import { freshDatabaseUrl } from "./engine";

process.env.DATABASE_URL = await freshDatabaseUrl("test");
process.env.PUBLIC_URL = "http://registry.test";
process.env.SESSION_SECRET = randomUUID() + randomUUID();
