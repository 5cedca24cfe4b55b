// A signatory's security contact as its public page shows it (issue 18, docs/decisions/024):
// what the last check of its security.txt found, when, and the Contact and Policy values.
// Those values are whatever the company's file says, i.e. text from a remote server: only
// an `https:` or `mailto:` value becomes a link (never `javascript:`, `data:` or anything
// else, which stays plain text, escaped by React), and links carry rel="noopener noreferrer
// nofollow" and open in the same tab (no window.opener, no referrer, no endorsement).
// Presentational: the route gives the contact as the API does.
import { formatDate } from "~/utils/format";

export type SecurityContactStatus = "valid" | "expired" | "invalid" | "missing" | "unchecked";

export interface SecurityContactData {
  status: SecurityContactStatus;
  checked_at: string | null;
  contact: string[];
  policy: string | null;
  expires: string | null;
}

export const SECURITY_CONTACT_LABEL: Record<SecurityContactStatus, string> = {
  valid: "Published",
  expired: "Expired",
  invalid: "Not valid",
  missing: "Missing",
  unchecked: "Not checked yet",
};

/** The value as a safe link target: an https: or mailto: URL, else null (shown as text). */
export function safeContactHref(value: string): string | null {
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    return null;
  }
  if (url.protocol === "https:") return url.href;
  if (url.protocol === "mailto:" && url.pathname.includes("@")) return url.href;
  return null;
}

function ContactValue({ value }: { value: string }) {
  const href = safeContactHref(value);
  if (!href) return <span className="security-contact-text">{value}</span>;
  return (
    <a href={href} rel="noopener noreferrer nofollow external">
      {value.replace(/^mailto:/i, "")}
    </a>
  );
}

/** One row of a signatory's public facts: "Security contact". */
export function SecurityContactFact({ security }: { security: SecurityContactData }) {
  const { status } = security;
  const shown = status === "valid" || status === "expired" || status === "invalid";
  return (
    <div className="security-contact-fact" data-security-contact={status}>
      <dt>Security contact</dt>
      <dd>
        <strong>{SECURITY_CONTACT_LABEL[status]}</strong>
        {security.checked_at ? (
          <>
            {" "}
            (checked on <time dateTime={security.checked_at}>{formatDate(security.checked_at.slice(0, 10))}</time>)
          </>
        ) : null}
        {shown && (security.contact.length > 0 || security.policy) ? (
          <ul className="plain-list security-contact-links">
            {security.contact.map((value, i) => (
              <li key={i}>
                Contact: <ContactValue value={value} />
              </li>
            ))}
            {security.policy ? (
              <li>
                Policy: <ContactValue value={security.policy} />
              </li>
            ) : null}
            {security.expires ? (
              <li>
                {status === "expired" ? "Expired on" : "Expires on"}{" "}
                <time dateTime={security.expires}>{formatDate(security.expires.slice(0, 10))}</time>
              </li>
            ) : null}
          </ul>
        ) : null}
      </dd>
    </div>
  );
}
