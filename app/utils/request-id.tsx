// The id of the current request (the server makes one per request and logs it with every
// line, errors included), so an error page can name it and the operator can find the
// stack in the log. The server provides it (entry.server.tsx). In the browser, hydrating
// a server-rendered error page reads it back from that page (its data-error-id), so both
// renders agree.
import { createContext, useContext } from "react";

const RequestIdContext = createContext("");

export const RequestIdProvider = RequestIdContext.Provider;

export function useRequestId(): string {
  const fromServer = useContext(RequestIdContext);
  if (fromServer || typeof document === "undefined") return fromServer;
  return document.querySelector("[data-error-id]")?.getAttribute("data-error-id") ?? "";
}
