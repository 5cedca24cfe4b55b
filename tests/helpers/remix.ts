// Calling route loaders and actions as Remix would, with real Requests and the context
// the server provides.
import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs } from "@remix-run/node";
import { csrfToken } from "~/modules/security/csrf.server";

export const TEST_ORIGIN = "http://registry.test";

/** A visitor: their anti-forgery cookie and address. */
export function visitor(clientIp = "203.0.113.7", csrfId = "test-visitor-csrf-id-0000000000000000000000"): AppLoadContext {
  return { nonce: "test-nonce", csrfId, clientIp, requestId: "test-request" };
}

export function loaderArgs(path: string, params: Record<string, string> = {}, context = visitor()): LoaderFunctionArgs {
  return { request: new Request(`${TEST_ORIGIN}${path}`), params, context };
}

/**
 * A form POST as a browser sends it from this site: urlencoded, with the visitor's
 * anti-forgery token and the site's Origin (override either to test refusals).
 */
export function formPost(
  path: string,
  fields: Record<string, string | string[]> | URLSearchParams,
  options: { params?: Record<string, string>; context?: AppLoadContext; origin?: string | null; csrf?: string | null } = {},
): ActionFunctionArgs {
  const context = options.context ?? visitor();
  const body = fields instanceof URLSearchParams ? new URLSearchParams(fields) : new URLSearchParams();
  if (!(fields instanceof URLSearchParams)) {
    for (const [name, value] of Object.entries(fields)) {
      for (const v of Array.isArray(value) ? value : [value]) body.append(name, v);
    }
  }
  const csrf = options.csrf === undefined ? csrfToken(context) : options.csrf;
  if (csrf !== null && !body.has("csrf")) body.set("csrf", csrf);
  const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded" };
  const origin = options.origin === undefined ? TEST_ORIGIN : options.origin;
  if (origin !== null) headers.Origin = origin;
  return {
    request: new Request(`${TEST_ORIGIN}${path}`, { method: "POST", headers, body }),
    params: options.params ?? {},
    context,
  };
}

/** Runs a loader or action and returns the Response it threw, or fails when it did not throw one. */
export async function thrownResponse(run: () => Promise<unknown>): Promise<Response> {
  try {
    await run();
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
  throw new Error("expected a thrown Response");
}
