// Calling a route's loader as Remix would, with a real Request.
import type { LoaderFunctionArgs } from "@remix-run/node";

export function loaderArgs(path: string, params: Record<string, string> = {}): LoaderFunctionArgs {
  return { request: new Request(`http://registry.test${path}`), params, context: {} };
}

/** Runs a loader and returns the Response it threw, or fails when it did not throw one. */
export async function thrownResponse(run: () => Promise<unknown>): Promise<Response> {
  try {
    await run();
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
  throw new Error("expected the loader to throw a Response");
}
