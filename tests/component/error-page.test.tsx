// @vitest-environment jsdom
// The shared error page (app/components/error-page.tsx): a 503 that a route answers on
// purpose (a search over its budget, decision 023) says why; a 500 never shows what its
// response carries. The 503 over real HTTP is in tests/integration/search-pool.test.ts.
import { createRemixStub } from "@remix-run/testing";
import { render, screen } from "@testing-library/react";
import { describe, expect, it } from "vitest";
import { ErrorPage } from "~/components/error-page";
import { failOnConsoleError } from "./guard";

failOnConsoleError();

function renderThrown(response: Response) {
  const RemixStub = createRemixStub([
    {
      path: "/signatories",
      loader: () => {
        throw response;
      },
      Component: () => <p>results</p>,
      ErrorBoundary: () => <ErrorPage />,
    },
  ]);
  render(<RemixStub initialEntries={["/signatories"]} />);
}

const apiError = (status: number, message: string) =>
  Response.json({ error: { code: "search_timeout", message } }, { status, headers: { "Retry-After": "5" } });

describe("the error page", () => {
  it("shows the message a 503 carries (the API's error shape)", async () => {
    renderThrown(apiError(503, "This search took longer than the registry allows and was stopped."));
    expect(await screen.findByRole("heading", { level: 1, name: "Please try again in a moment" })).toBeTruthy();
    expect(screen.getByText("This search took longer than the registry allows and was stopped.")).toBeTruthy();
    expect(screen.queryByText(/Something went wrong/)).toBeNull();
  });

  it("keeps a 500 generic, whatever it carries", async () => {
    renderThrown(apiError(500, "SqliteError: no such column secret_internal"));
    expect(await screen.findByRole("heading", { level: 1, name: "Something went wrong" })).toBeTruthy();
    expect(screen.queryByText(/secret_internal/)).toBeNull();
  });

  it("keeps a 503 without a message generic", async () => {
    renderThrown(new Response(null, { status: 503 }));
    expect(await screen.findByRole("heading", { level: 1, name: "Something went wrong" })).toBeTruthy();
  });
});
