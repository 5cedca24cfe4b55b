// Which database engine the tests run on. By default every test database is a fresh
// SQLite file. With TEST_ENGINE=postgres (set by `npm test`'s PostgreSQL pass, which
// needs TEST_DATABASE_URL=postgres://…), each one is a fresh PostgreSQL database
// created on that server and dropped afterwards.
import { randomUUID } from "node:crypto";
import { rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import { describe, it } from "vitest";

export const onPostgres = process.env.TEST_ENGINE === "postgres";

function adminUrl(): string {
  const url = process.env.TEST_DATABASE_URL;
  if (!url || !/^postgres(ql)?:\/\//.test(url)) {
    throw new Error("TEST_ENGINE=postgres needs TEST_DATABASE_URL=postgres://user:password@host:port/database");
  }
  return url;
}

/** A new, empty database for one test file or one server: its DATABASE_URL. */
export async function freshDatabaseUrl(label: string): Promise<string> {
  if (!onPostgres) return join(tmpdir(), `accord-${label}-${randomUUID()}.db`);
  const name = `accord_${label.replace(/\W/g, "_")}_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/** Removes a database made by freshDatabaseUrl (its connections must be closed). */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  if (!/^postgres(ql)?:\/\//.test(databaseUrl)) {
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(databaseUrl + suffix, { force: true });
    return;
  }
  const name = new URL(databaseUrl).pathname.slice(1);
  const client = new pg.Client({ connectionString: adminUrl() });
  await client.connect();
  try {
    // FORCE ends the test's own leftover connections; it may not end a backend of
    // another role (an autovacuum worker busy on the fresh database), so a plain DROP,
    // which waits such workers out, follows. Cleanup never fails a test run.
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        await client.query(attempt === 0 ? `drop database if exists ${name} with (force)` : `drop database if exists ${name}`);
        return;
      } catch (error) {
        if (attempt === 9) console.warn(`could not drop test database ${name}: ${error instanceof Error ? error.message : error}`);
        else await new Promise((resolve) => setTimeout(resolve, 300));
      }
    }
  } finally {
    await client.end();
  }
}

/**
 * A block of tests for the PostgreSQL pass only. In the SQLite pass it is one skipped
 * entry that says where it runs, not a pile of skipped tests.
 */
export function describeOnPostgres(title: string, body: () => void): void {
  if (onPostgres) describe(title, body);
  else it.skip(`${title} (runs in the PostgreSQL pass: TEST_ENGINE=postgres)`, () => {});
}
