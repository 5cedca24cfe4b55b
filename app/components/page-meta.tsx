// Remix's <Meta />, with each route whose action just refused a form marked in the loader
// data its meta function receives (utils/page-title.ts), so that route can title the page
// "Error: …". On the server the router state holds the action's answer of a POST without
// JavaScript; in the browser, that of the last submission, or a form's own refusal to send
// what it knows is wrong (browserRefusalStore).
import { Meta } from "@remix-run/react";
import { useContext, useSyncExternalStore } from "react";
import { UNSAFE_DataRouterStateContext as DataRouterStateContext } from "react-router-dom";
import { browserRefusalStore, FORM_REFUSED, isRefusal } from "~/utils/page-title";

export function PageMeta() {
  const state = useContext(DataRouterStateContext);
  const blockedInBrowser = useSyncExternalStore(browserRefusalStore.subscribe, browserRefusalStore.get, browserRefusalStore.getServer);
  const refused = Object.entries(state?.actionData ?? {})
    .filter(([, data]) => isRefusal(data))
    .map(([routeId]) => routeId);
  const leaf = state?.matches.at(-1)?.route.id;
  if (blockedInBrowser && leaf) refused.push(leaf);
  if (!state || refused.length === 0) return <Meta />;
  const loaderData = { ...state.loaderData };
  for (const routeId of refused) {
    const data: unknown = loaderData[routeId];
    loaderData[routeId] = { ...(data !== null && typeof data === "object" ? data : {}), [FORM_REFUSED]: true };
  }
  return (
    <DataRouterStateContext.Provider value={{ ...state, loaderData }}>
      <Meta />
    </DataRouterStateContext.Provider>
  );
}
