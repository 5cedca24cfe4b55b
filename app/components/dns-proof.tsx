// DNS domain proof on the applicant's status page (issue 18, docs/decisions/024): the record
// to publish, what the last check found and a "Check now" form that works without
// JavaScript. Presentational: the route gives the proof and the forms' hidden fields.
import type { ReactNode } from "react";
import { Form } from "@remix-run/react";
import type { DnsProofOutcome } from "../../db/schema";
import { formatDate } from "~/utils/format";

export interface DnsProofData {
  name: string;
  value: string;
  domain: string;
  checkedAt: string | null;
  outcome: DnsProofOutcome | null;
  detail: string | null;
  confirmedAt: string | null;
  nextCheckAt: string | null;
}

const OUTCOME_TEXT: Record<DnsProofOutcome, string> = {
  confirmed: "Found: the record is in place.",
  absent: "Not found yet: the name has no record with this value.",
  nxdomain: "Not found yet: the name does not exist in DNS.",
  wrong_token: "A record is there, but with another value. Publish exactly the value above.",
  timeout: "The DNS servers did not answer in time.",
  error: "The DNS lookup failed.",
};

export function When({ iso }: { iso: string }) {
  return <time dateTime={iso}>{`${formatDate(iso.slice(0, 10))}, ${iso.slice(11, 16)} UTC`}</time>;
}

export function DnsProof({
  domain,
  proof,
  open,
  action,
  hidden,
}: {
  domain: string;
  proof: DnsProofData | null;
  /** Whether the application is still open (a proof can be made and checked). */
  open: boolean;
  action: string;
  hidden: (intent: string) => ReactNode;
}) {
  if (!proof && !open) return null;
  return (
    <section className="dns-proof" aria-labelledby="dns-proof-title" data-dns-proof={proof?.outcome ?? "none"}>
      <h2 id="dns-proof-title">Prove control of {domain} by DNS (optional)</h2>
      <p>
        Your e-mail confirmation shows that someone can read a mailbox at {domain}. A DNS record shows more: that whoever applied can change
        the domain's own DNS, as certificate authorities ask before they issue a certificate. The moderators see which proofs an application
        has.
      </p>
      {proof ? (
        <>
          <p>Publish this TXT record in the DNS of {proof.domain}, then check:</p>
          <dl className="facts dns-record">
            <div>
              <dt>Name</dt>
              <dd>
                <code data-dns-name>{proof.name}</code>
              </dd>
            </div>
            <div>
              <dt>Type</dt>
              <dd>
                <code>TXT</code>
              </dd>
            </div>
            <div>
              <dt>Value</dt>
              <dd>
                <code data-dns-value>{proof.value}</code>
              </dd>
            </div>
          </dl>
          {proof.confirmedAt ? (
            <p className="dns-proof-confirmed" role="status">
              Domain control proven by DNS on <When iso={proof.confirmedAt} />. Keep the record until the application is decided.
            </p>
          ) : null}
          {proof.checkedAt && proof.outcome && proof.outcome !== "confirmed" ? (
            <p className="dns-proof-outcome" role="status">
              Last checked <When iso={proof.checkedAt} />: {OUTCOME_TEXT[proof.outcome]}
              {proof.nextCheckAt ? (
                <>
                  {" "}
                  DNS changes take a while to reach every server, so we look again by ourselves (next: <When iso={proof.nextCheckAt} />
                  ).
                </>
              ) : null}
            </p>
          ) : null}
          {open ? (
            <Form method="post" action={action} className="status-actions">
              {hidden("dns_check")}
              <button type="submit" className="button button-secondary">
                Check now
              </button>
            </Form>
          ) : null}
        </>
      ) : (
        <Form method="post" action={action} className="status-actions">
          {hidden("dns_start")}
          <button type="submit" className="button button-secondary">
            Get the DNS record to publish
          </button>
        </Form>
      )}
    </section>
  );
}

/** One line for a signatory's public facts: when domain control was last proven by DNS. */
export function DnsProofFact({ provenAt }: { provenAt: string | null }) {
  if (!provenAt) return null;
  return (
    <div className="dns-proof-fact">
      <dt>Domain control</dt>
      <dd>
        Proven by DNS on <time dateTime={provenAt}>{formatDate(provenAt.slice(0, 10))}</time>
      </dd>
    </div>
  );
}

/** The proofs an application carries, as moderators see them. */
export function ApplicationProofs({
  domain,
  verifiedAt,
  proof,
  required,
}: {
  domain: string;
  verifiedAt: string | null;
  proof: DnsProofData | null;
  required: boolean;
}) {
  return (
    <div className="staff-proofs" data-proofs>
      <h3>Proofs of control of {domain}</h3>
      <ul>
        <li data-proof="mailbox">
          <strong>Mailbox at the domain:</strong>{" "}
          {verifiedAt ? (
            <>
              verified <When iso={verifiedAt} /> (someone could read mail at the contact address)
            </>
          ) : (
            "not verified yet"
          )}
        </li>
        <li data-proof="dns" data-dns-outcome={proof?.outcome ?? "none"}>
          <strong>DNS:</strong>{" "}
          {proof?.confirmedAt ? (
            <>
              confirmed at <When iso={proof.confirmedAt} /> (a TXT record at <code>{proof.name}</code>)
            </>
          ) : proof?.checkedAt && proof.outcome ? (
            <>
              not proven; last checked <When iso={proof.checkedAt} />: {OUTCOME_TEXT[proof.outcome]}
            </>
          ) : proof ? (
            "not proven; the applicant has the record to publish but has not checked it yet"
          ) : (
            "not proven; the applicant has not asked for a record"
          )}
        </li>
      </ul>
      {required && !proof?.confirmedAt ? (
        <p className="warning" role="note">
          This registry requires a DNS proof before approval: the application cannot be approved until the applicant's record is confirmed.
        </p>
      ) : null}
    </div>
  );
}
