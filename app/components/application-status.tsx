// The applicant's status page, in pieces: the status in plain words (the contract word in
// data-status), the steps of applying with the current one marked, how long decisions
// usually take, and what to do after an approval. Presentational only.
import type { ApplicationStatus } from "../../db/schema";
import { CopyButton } from "~/components/provenance";
import { APPLICANT_STATUS_LABEL, APPLICATION_STEPS, stepStates } from "~/modules/applications/status";

/** "In review", with the contract's word (`pending`) kept for programs in data-status. */
export function ApplicantStatus({ status }: { status: ApplicationStatus }) {
  return (
    <strong className={`app-status app-status-${status}`} data-status={status}>
      {APPLICANT_STATUS_LABEL[status]}
    </strong>
  );
}

const OUTCOME: Partial<Record<ApplicationStatus, string>> = {
  approved: "Decision: approved",
  rejected: "Decision: not accepted",
  withdrawn: "Withdrawn by you",
};

/** The four steps of /apply, each done, current or still to come (GOV.UK's step-by-step, reduced). */
export function StepTracker({ status }: { status: ApplicationStatus }) {
  const states = stepStates(status);
  return (
    <ol className="step-tracker" aria-label="Where your application is">
      {APPLICATION_STEPS.map((step, i) => {
        const state = states[i];
        const title = step.key === "decision" ? (OUTCOME[status] ?? step.title) : step.title;
        return (
          <li key={step.key} className={`step step-${state}`} aria-current={state === "current" ? "step" : undefined}>
            <span className="step-number" aria-hidden="true">
              {state === "done" ? "✓" : i + 1}
            </span>
            <span className="step-title">{title}</span>
            <span className="visually-hidden">{state === "done" ? " (done)" : state === "current" ? " (you are here)" : " (to come)"}</span>
            {step.key === "review" && status === "changes_requested" ? (
              <span className="step-note">The moderators asked for changes</span>
            ) : null}
          </li>
        );
      })}
    </ol>
  );
}

/** "Most applications are decided within N days": /transparency's figures (nine in ten, and the median). */
export function DecisionTime({ times }: { times: { medianDays: number; p90Days: number } | null }) {
  if (!times) return null;
  const days = (n: number) => (n === 1 ? "a day" : `${n} days`);
  return (
    <p className="decision-time">
      Most applications are decided within {days(times.p90Days)} of being sent
      {times.medianDays < times.p90Days ? ` (nine in ten); half within ${days(times.medianDays)}` : ""}. See the{" "}
      <a href="/transparency">moderation figures</a>.
    </p>
  );
}

interface Approval {
  signatory: { slug: string; name: string };
  badge: { path: string; alt: string; html: string };
  contact: string;
}

/** What an approved applicant does next (GOV.UK's confirmation page): the entry, the badge, keeping it current. */
export function ApprovalNextSteps({ signatory, badge, contact }: Approval) {
  return (
    <section className="approval" aria-labelledby="approval-title">
      <div className="approval-panel">
        <h2 id="approval-title">{signatory.name} is a signatory of the Cybersecurity Tech Accord</h2>
        <p>Welcome. The entry is public in the registry from today.</p>
      </div>
      <h3>What to do next</h3>
      <ol className="next-steps">
        <li>
          <strong>Check your entry</strong>: <a href={`/signatories/${signatory.slug}`}>{signatory.name} in the directory</a>. It shows the
          facts you sent and the pledges you took.
        </li>
        <li>
          <strong>Show it on your website</strong> with the live badge: it always states your current status and links to your entry.
          <img className="approval-badge" src={badge.path} alt={badge.alt} />
          {/* The whole code in view at any width (a fixed-height box cut it off on a phone),
              and a copy button once the page runs JavaScript, as on the signatory's page. */}
          <p className="snippet-label">The badge's HTML, to paste into your website:</p>
          <pre className="snippet">
            <code>{badge.html}</code>
          </pre>
          <CopyButton text={badge.html} label="Copy the badge's HTML" />
        </li>
        <li>
          <strong>Keep it current</strong>: when your name, website or description changes, write to{" "}
          <a href={`mailto:${contact}`}>{contact}</a> with your reference. The moderators update the entry and its history shows the change.
        </li>
      </ol>
    </section>
  );
}
