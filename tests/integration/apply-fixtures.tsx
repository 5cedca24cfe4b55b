// Shared by the application tests: a valid form as a browser sends it, calling the
// route's action and loader as Remix does, and rendering a route's page from the real
// loader and action (a static router, as the server renders it) to read the HTML.
import type { ActionFunctionArgs, AppLoadContext, LoaderFunctionArgs } from "@remix-run/node";
// @ts-expect-error jsdom ships no type declarations (and @types/jsdom is not installed)
import { JSDOM as UntypedJSDOM } from "jsdom";
import type { ComponentType } from "react";
import { renderToString } from "react-dom/server";
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";
import { HONEYPOT_FIELD, STARTED_FIELD, startedToken } from "~/modules/security/honeypot.server";
import { formPost, TEST_ORIGIN, visitor } from "../helpers/remix";

const JSDOM = UntypedJSDOM as new (html: string) => { window: { document: Document } };

export const REQUIRED_PLEDGES = ["stronger-defense", "no-offense", "capacity-building", "collective-action"];

let sequence = 0;
/** A fresh number per call: unique domains and client addresses across a test file. */
export const next = () => ++sequence;

/** A client address of its own, so the per-address limit never mixes tests. */
export function freshVisitor(): AppLoadContext {
  const n = next();
  return visitor(`198.51.${Math.floor(n / 250) % 250}.${(n % 250) + 1}`, `visitor-${n}`.padEnd(43, "x"));
}

export type Fields = Record<string, string | string[]>;

/** Every field right, for a domain no one has used; the form was served 10 s ago. */
export function validFields(overrides: Fields = {}, n = next()): Fields {
  return {
    name: `Northwind Security ${n}`,
    website: `https://www.northwind-${n}.co.uk`,
    country: "GB",
    sector: "security",
    description: "Northwind builds intrusion detection for small hospitals and schools across Europe.",
    contact_name: "Jane Doe",
    contact_title: "Chief Information Security Officer",
    contact_email: `jane.doe@northwind-${n}.co.uk`,
    pledges: [...REQUIRED_PLEDGES, "paris-call"],
    accept: "on",
    [STARTED_FIELD]: startedToken(Date.now() - 10_000),
    [HONEYPOT_FIELD]: "",
    ...overrides,
  };
}

type Handler<A> = (args: A) => Promise<unknown>;

/** Runs a loader or action; a thrown Response is returned like a returned one. */
export async function respond<A>(handler: Handler<A>, args: A): Promise<Response> {
  try {
    const result = await handler(args);
    if (result instanceof Response) return result;
    return Response.json(result);
  } catch (error) {
    if (error instanceof Response) return error;
    throw error;
  }
}

export async function postForm(
  action: Handler<ActionFunctionArgs>,
  path: string,
  fields: Fields | URLSearchParams,
  options: Parameters<typeof formPost>[2] = {},
): Promise<Response> {
  return respond(action, formPost(path, fields, { context: options.context ?? freshVisitor(), ...options }));
}

export async function bodyOf<T = Record<string, any>>(response: Response): Promise<T> {
  return (await response.json()) as T;
}

interface RouteModule {
  default: ComponentType;
  loader?: Handler<LoaderFunctionArgs>;
  action?: Handler<ActionFunctionArgs>;
}

/**
 * The page a route renders for a request, from its real loader and action, with the
 * status the server would answer. A redirect comes back as `redirect`.
 */
export async function renderPage(route: RouteModule, path: string, request: Request, context: AppLoadContext) {
  const handler = createStaticHandler([
    {
      id: "page",
      path,
      loader: route.loader ? (args) => route.loader!({ ...args, context } as LoaderFunctionArgs) : undefined,
      action: route.action ? (args) => route.action!({ ...args, context } as ActionFunctionArgs) : undefined,
      Component: route.default,
      ErrorBoundary: () => null,
    },
  ]);
  const result = await handler.query(request);
  if (result instanceof Response) return { status: result.status, redirect: result.headers.get("Location"), document: null };
  const router = createStaticRouter(handler.dataRoutes, result);
  const html = renderToString(<StaticRouterProvider router={router} context={result} hydrate={false} />);
  const error = result.errors ? Object.values(result.errors)[0] : null;
  return { status: result.statusCode, redirect: null, document: new JSDOM(html).window.document, error };
}

/** A form POST as the browser sends it, for renderPage. */
export function formRequest(path: string, fields: Fields, context: AppLoadContext): Request {
  return formPost(path, fields, { context }).request;
}

export const pageRequest = (path: string) => new Request(`${TEST_ORIGIN}${path}`);
