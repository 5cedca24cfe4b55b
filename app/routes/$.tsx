// Any address no other route claims: a real 404 status with the shared error page.
import type { MetaFunction } from "@remix-run/node";
import { notCached } from "~/modules/cache/cache-policy";
import { ErrorPage } from "~/components/error-page";
import { httpError } from "~/utils/http.server";

export const handle = notCached("a 404 for any address no other route claims: cached, every address could take an entry");

export const meta: MetaFunction = () => [{ title: "Page not found · Accord Registry" }];

export async function loader() {
  throw httpError(404, "There is no page at this address. It may have moved, or the link may be mistyped.");
}

export default function NotFound() {
  return null;
}

export function ErrorBoundary() {
  return <ErrorPage />;
}
