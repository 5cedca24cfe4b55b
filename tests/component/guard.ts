// Shared by the component tests: unmount after every test, and fail any test during
// which React (or anything else) wrote to console.error — act() warnings included.
import { cleanup } from "@testing-library/react";
import { afterEach, beforeEach, expect, vi, type MockInstance } from "vitest";

export function failOnConsoleError() {
  let consoleError: MockInstance<typeof console.error>;
  beforeEach(() => {
    // Calls through, so the message is still printed when a test fails because of it.
    consoleError = vi.spyOn(console, "error");
  });
  afterEach(() => {
    cleanup(); // unmount first: warnings raised while unmounting count too
    const calls = consoleError.mock.calls.map((args) => args.map(String).join(" "));
    consoleError.mockRestore();
    expect(calls, "console.error was called").toEqual([]);
  });
}
