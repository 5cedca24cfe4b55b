// "Error: " before a page's title while its form shows errors (issue 14; GOV.UK's pattern),
// so a screen reader's first words after a refused submission say so. Remix's meta
// functions see the loader's data, never the action's: PageMeta (components/page-meta.tsx)
// marks the loader data of a route whose action just refused a form, and the route's meta
// asks errorTitle. The same mark works on the server (without JavaScript) and in the browser.

/** The key PageMeta adds to the loader data of a route whose form was just refused. */
export const FORM_REFUSED = "formRefused";

/** The page's title, with "Error: " before it when the route's form was just refused. */
export function errorTitle(data: unknown, title: string): string {
  return data !== null && typeof data === "object" && FORM_REFUSED in data ? `Error: ${title}` : title;
}

/** Whether an action's answer is a refusal: field messages, or a message about the whole form. */
export function isRefusal(actionData: unknown): boolean {
  if (actionData === null || typeof actionData !== "object") return false;
  const { errors, message, formError } = actionData as { errors?: unknown; message?: unknown; formError?: unknown };
  const hasErrors = errors !== null && typeof errors === "object" && Object.values(errors).some(Boolean);
  return hasErrors || !!message || !!formError;
}

/**
 * In the browser, a form whose known errors stopped its submission (nothing reached an
 * action) says so here, so the title says "Error:" too. Module state: one page at a time;
 * on the server it is never set.
 */
let browserRefusal = false;
const listeners = new Set<() => void>();
export const browserRefusalStore = {
  subscribe(listener: () => void) {
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
    };
  },
  get: () => browserRefusal,
  getServer: () => false,
  set(refused: boolean) {
    if (refused === browserRefusal) return;
    browserRefusal = refused;
    for (const listener of listeners) listener();
  },
};
