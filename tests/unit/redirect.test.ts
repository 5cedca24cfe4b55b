// Where sign-in sends a browser afterwards: only a path on this site, judged on the path
// the browser will actually follow (after dot segments and escapes are resolved).
import { describe, expect, it } from "vitest";
import { safeRedirect } from "~/modules/auth/redirect";

describe("safeRedirect [3.7.2]", () => {
  it.each([
    "/.//evil.example",
    "/x/..//evil.example",
    "/%2e//evil.example",
    "/%2E%2E//evil.example",
    "/a/../..//evil.example?y#z",
    "/./\\evil.example",
  ])("[M1] %j, which normalises to a host, falls back to /moderation", (target) => {
    const result = safeRedirect(target);
    expect(result).toBe("/moderation");
    // Whatever comes back, a browser resolving it against this site stays on this site.
    expect(new URL(result, "https://registry.example").origin).toBe("https://registry.example");
  });

  it("[M1] an encoded slash stays a path on this site", () => {
    expect(new URL(safeRedirect("/.%2f/evil.example"), "https://registry.example").origin).toBe("https://registry.example");
  });

  it("keeps a local path with its query and fragment", () => {
    expect(safeRedirect("/moderation/applications/AR-42?x=1#notes")).toBe("/moderation/applications/AR-42?x=1#notes");
  });

  it("resolves harmless dot segments", () => {
    expect(safeRedirect("/moderation/./audit")).toBe("/moderation/audit");
  });
});
