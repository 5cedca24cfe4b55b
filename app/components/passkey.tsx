// The browser's side of a passkey (WebAuthn) ceremony, with @simplewebauthn/browser, which
// Vite bundles into the route's own script (the CSP runs scripts from this site only; none
// is inline). The form is an ordinary POST form: on submit the script asks the server for
// options (a POST with the form's anti-forgery token), lets the browser make or use the
// passkey, and sends the form's fields with `intent` and the answer (`credential`, JSON). Without
// JavaScript, or in a browser that cannot use passkeys, the form stays hidden and
// `fallback` says so instead.
import { Form, useNavigation, useSubmit } from "@remix-run/react";
import { browserSupportsWebAuthn, startAuthentication, startRegistration } from "@simplewebauthn/browser";
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/browser";
import { useState, useSyncExternalStore, type FormEvent, type ReactNode } from "react";
import { CsrfField } from "./csrf-field";
import { FormAlert } from "./staff";

type Ceremony = "sign_in" | "register";

/** Whether the browser can use passkeys does not change while the page is open. */
const noChanges = () => () => {};

/** Asks the server for the ceremony's options; the options, or the words of its refusal. */
async function fetchOptions(url: string, csrf: string): Promise<{ options: unknown } | { error: string }> {
  let response: Response;
  try {
    response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ csrf }),
      credentials: "same-origin",
      redirect: "manual",
    });
  } catch {
    return { error: "The registry could not be reached. Check your connection and try again." };
  }
  if (response.type === "opaqueredirect") return { error: "Your session has ended. Please sign in again." };
  if ((response.headers.get("Content-Type") ?? "").includes("application/json")) {
    const data = (await response.json()) as { options?: unknown; error?: string };
    if (response.ok && data.options) return { options: data.options };
    return { error: data.error ?? `The registry answered ${response.status}. Please try again.` };
  }
  const text = await response.text();
  return { error: text.length > 0 && text.length < 400 ? text : `The registry answered ${response.status}. Please try again.` };
}

/** What went wrong in the browser, in words a person can act on. */
function ceremonyProblem(error: unknown, ceremony: Ceremony): string {
  const name = error instanceof Error ? error.name : "";
  const code = typeof error === "object" && error !== null && "code" in error ? String((error as { code: unknown }).code) : "";
  if (code === "ERROR_AUTHENTICATOR_PREVIOUSLY_REGISTERED" || name === "InvalidStateError") {
    return "This passkey is already registered for your account. Use another one.";
  }
  if (name === "NotAllowedError" || name === "AbortError") {
    return ceremony === "register"
      ? "No passkey was made: the request was cancelled or timed out. Please try again."
      : "No passkey was used: the request was cancelled or timed out, or this device has no passkey for this registry.";
  }
  if (name === "SecurityError") return "This browser refused passkeys at this address (they need https, or localhost).";
  return `This browser could not use a passkey${error instanceof Error && error.message ? ` (${error.message})` : ""}. Please try again.`;
}

export function PasskeyForm({
  ceremony,
  optionsUrl,
  csrf,
  intent,
  label,
  busyLabel,
  fallback,
  className = "staff-form",
  buttonClassName = "button",
  children,
}: {
  ceremony: Ceremony;
  /** Where the options come from (a POST route of this site). */
  optionsUrl: string;
  csrf: string;
  intent: string;
  label: string;
  busyLabel: string;
  /** Shown instead of the form without JavaScript or without WebAuthn in the browser. */
  fallback: ReactNode;
  className?: string;
  buttonClassName?: string;
  /** More fields of the form (hidden or shown). */
  children?: ReactNode;
}) {
  const submit = useSubmit();
  const navigating = useNavigation().state !== "idle";
  // Null while the page is the server's (and without JavaScript); then whether this browser can.
  const supported = useSyncExternalStore(noChanges, browserSupportsWebAuthn, () => null);
  const [working, setWorking] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    if (working) return;
    setProblem(null);
    setWorking(true);
    try {
      const answer = await fetchOptions(optionsUrl, csrf);
      if ("error" in answer) {
        setProblem(answer.error);
        return;
      }
      let credential: unknown;
      try {
        credential =
          ceremony === "register"
            ? await startRegistration({ optionsJSON: answer.options as PublicKeyCredentialCreationOptionsJSON })
            : await startAuthentication({ optionsJSON: answer.options as PublicKeyCredentialRequestOptionsJSON });
      } catch (error) {
        setProblem(ceremonyProblem(error, ceremony));
        return;
      }
      // The intent and the answer are added here, not kept in hidden inputs: a form sent
      // without them (no script ran) is not a passkey form.
      const data = new FormData(form);
      data.set("intent", intent);
      data.set("credential", JSON.stringify(credential));
      submit(data, { method: "post" });
    } finally {
      setWorking(false);
    }
  }

  const busy = working || navigating;
  return (
    <>
      {/* Not <noscript>: a browser told to run no scripts may still parse it as if it did. The
          server's page shows it; a browser that can use passkeys swaps it for the form. */}
      {supported === true ? null : fallback}
      {problem ? <FormAlert>{problem}</FormAlert> : null}
      <Form method="post" className={className} hidden={supported !== true} onSubmit={onSubmit} noValidate>
        <CsrfField token={csrf} />
        {children}
        <div className="form-actions">
          <button type="submit" className={buttonClassName} disabled={busy}>
            {working ? busyLabel : label}
          </button>
        </div>
      </Form>
    </>
  );
}
