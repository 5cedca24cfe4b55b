// Shared by the staff tests: staff accounts and sessions inserted through the auth
// modules (not by clicking through sign-in), pending applications inserted as rows (the
// applicant side is its own feature), requests carrying a session cookie, and a small
// cookie-keeping HTTP client for the tests against the running server.
import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs } from "@remix-run/node";
import { createHash, randomBytes } from "node:crypto";
import type { StaffRole } from "../../db/schema";
import { createSession } from "~/modules/auth/session.server";
import type { DB } from "~/modules/database/db.server";
import { createStaff } from "~/modules/staff/staff.server";
import { formPost, loaderArgs, visitor } from "../helpers/remix";
import { nameKey } from "~/modules/applications/name-key";

export const PASSWORD = "amber lantern quietly orbits 42";
export const REQUIRED_PLEDGES = ["stronger-defense", "no-offense", "capacity-building", "collective-action"];

let sequence = 0;
export const next = () => ++sequence;

export interface TestStaff {
  id: number;
  email: string;
  name: string;
  role: StaffRole;
  password: string;
}

/** A staff account, created as the CLI creates one. */
export async function createStaffUser(
  db: DB,
  options: { role?: StaffRole; email?: string; name?: string; password?: string } = {},
): Promise<TestStaff> {
  const n = next();
  const role = options.role ?? "moderator";
  const email = options.email ?? `${role}-${n}@registry.test`;
  const name = options.name ?? `${role === "admin" ? "Ada" : "Max"} Tester ${n}`;
  const password = options.password ?? PASSWORD;
  const created = await createStaff(db, { email, name, role, password }, { actor: "cli:test", actorLabel: "test fixture", ip: null });
  if (!created.ok) throw new Error(`fixture: could not create ${email}: ${JSON.stringify(created.error)}`);
  return { id: created.value, email, name, role, password };
}

/** A signed-in session for the account: its Cookie header value. `passkey`: as if a
 * passkey had opened it (STAFF_MFA=passkey asks for that). */
export async function sessionCookie(
  db: DB,
  staffId: number,
  options: { passkey?: boolean } = {},
): Promise<{ cookie: string; idHash: string }> {
  const session = await createSession(db, staffId, "full", "203.0.113.7", options);
  return { cookie: session.setCookie.split(";")[0], idHash: session.idHash };
}

/** The same request with a Cookie header. */
export function withCookie<A extends { request: Request }>(args: A, cookie: string | null): A {
  if (!cookie) return args;
  const headers = new Headers(args.request.headers);
  headers.set("Cookie", cookie);
  const init: RequestInit & { duplex?: "half" } = { method: args.request.method, headers };
  if (args.request.method !== "GET" && args.request.method !== "HEAD") {
    init.body = args.request.body;
    init.duplex = "half";
  }
  return { ...args, request: new Request(args.request.url, init) };
}

export function getAs(
  path: string,
  cookie: string | null,
  params: Record<string, string> = {},
  context: AppLoadContext = visitor(),
): LoaderFunctionArgs {
  return withCookie(loaderArgs(path, params, context), cookie);
}

export function postAs(
  path: string,
  fields: Record<string, string | string[]>,
  cookie: string | null,
  options: Parameters<typeof formPost>[2] = {},
): ActionFunctionArgs {
  return withCookie(formPost(path, fields, options), cookie);
}

type Handler<A> = (args: A) => Promise<unknown>;

/** Runs a loader or action; a thrown Response is returned like a returned one. */
export async function respond<A>(handler: Handler<A> | undefined, args: A): Promise<Response> {
  if (!handler) throw new Error("route has no such handler");
  try {
    const result = await handler(args);
    if (result instanceof Response) return result;
    return Response.json(result);
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
}

/** The folded name as the applicant side stores it. */
export const nameKeyOf = nameKey;

export interface TestApplication {
  id: number;
  ref: string;
  name: string;
  contactEmail: string;
  domain: string;
}

/** An application as the applicant side leaves it after verification: pending, in the queue. */
export async function insertApplication(
  db: DB,
  options: {
    name?: string;
    domain?: string;
    status?: "unverified" | "pending" | "changes_requested" | "approved" | "rejected" | "withdrawn";
    pledges?: string[];
    createdAt?: string;
    description?: string;
  } = {},
): Promise<TestApplication> {
  const n = next();
  const name = options.name ?? `Northwind Security ${n}`;
  const domain = options.domain ?? `northwind-${n}-${randomBytes(3).toString("hex")}.example`;
  const ref = `AR-T${String(n).padStart(3, "0")}${randomBytes(2).toString("hex").toUpperCase()}`;
  const created = options.createdAt ?? new Date(Date.now() - 3 * 24 * 3600 * 1000).toISOString();
  const status = options.status ?? "pending";
  const verified = status === "unverified" ? null : new Date(Date.parse(created) + 3600 * 1000).toISOString();
  const hash = () => createHash("sha256").update(randomBytes(16)).digest("hex");
  const contactEmail = `jane.doe@${domain}`;
  const { id } = await db
    .insertInto("applications")
    .values({
      ref,
      name,
      name_key: nameKeyOf(name),
      website: `https://www.${domain}`,
      domain,
      country: "GB",
      sector: "security",
      description: options.description ?? "Northwind builds intrusion detection for small hospitals and schools across Europe.",
      contact_name: "Jane Doe",
      contact_title: "Chief Information Security Officer",
      contact_email: contactEmail,
      status,
      verify_token_hash: hash(),
      verify_expires_at: new Date(Date.parse(created) + 48 * 3600 * 1000).toISOString(),
      status_token_hash: hash(),
      verified_at: verified,
      decided_at: null,
      decision_reason: null,
      signatory_id: null,
      client_ip: "198.51.100.9",
      created_at: created,
      updated_at: verified ?? created,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const pledges = options.pledges ?? [...REQUIRED_PLEDGES, "paris-call"];
  if (pledges.length > 0) {
    await db
      .insertInto("application_pledges")
      .values(pledges.map((p) => ({ application_id: id, pledge_code: p })))
      .execute();
  }
  await db
    .insertInto("application_events")
    .values({ application_id: id, kind: "submitted", reason: null, actor: "applicant", created_at: created })
    .execute();
  if (verified) {
    await db
      .insertInto("application_events")
      .values({ application_id: id, kind: "verified", reason: null, actor: "applicant", created_at: verified })
      .execute();
  }
  return { id, ref, name, contactEmail, domain };
}

/**
 * A browser-like client for the running server: keeps cookies, reads the form token from
 * the last page, sends the site's Origin, never follows redirects (tests read them).
 */
export class HttpClient {
  cookies = new Map<string, string>();
  csrf = "";
  /** `forwardedFor`: the client's address as a trusted proxy reports it (the server needs TRUST_PROXY=1). */
  constructor(
    readonly base: string,
    readonly forwardedFor?: string,
  ) {}

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
  }

  private get via(): Record<string, string> {
    return this.forwardedFor ? { "X-Forwarded-For": this.forwardedFor } : {};
  }

  private keep(response: Response) {
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(";");
      const at = pair.indexOf("=");
      const name = pair.slice(0, at).trim();
      const value = pair.slice(at + 1).trim();
      if (/Max-Age=0/i.test(line) || value === "") this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  async get(path: string): Promise<{ response: Response; body: string }> {
    const response = await fetch(new URL(path, this.base), { headers: { Cookie: this.cookieHeader, ...this.via }, redirect: "manual" });
    this.keep(response);
    const body = await response.text();
    const token = body.match(/name="csrf" value="([^"]+)"/);
    if (token) this.csrf = token[1];
    return { response, body };
  }

  async post(
    path: string,
    fields: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<{ response: Response; body: string }> {
    const response = await fetch(new URL(path, this.base), {
      method: "POST",
      headers: {
        "Content-Type": "application/x-www-form-urlencoded",
        Origin: this.base,
        Cookie: this.cookieHeader,
        ...this.via,
        ...headers,
      },
      body: new URLSearchParams({ csrf: this.csrf, ...fields }),
      redirect: "manual",
    });
    this.keep(response);
    return { response, body: await response.text() };
  }

  /** Signs in through /login as a browser would. */
  async signIn(email: string, password: string): Promise<Response> {
    await this.get("/login");
    const { response } = await this.post("/login", { email, password });
    return response;
  }
}
