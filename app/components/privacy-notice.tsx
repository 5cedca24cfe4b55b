// What an applicant is told about their personal data, beside the forms that collect it
// and on the status page (issue 13): how long it is kept, the notice, and whom to ask.
import { Link } from "@remix-run/react";
import { plural } from "~/utils/format";

export function PrivacyNotice({ retentionDays, contactEmail }: { retentionDays: number; contactEmail: string }) {
  return (
    <p className="privacy-notice">
      The contact&apos;s name, job title and e-mail address are seen only by the registry&apos;s moderators and are never published; they
      are erased {plural(retentionDays, "day")} after the application is decided. Read the <Link to="/privacy">privacy notice</Link>, or
      write to <a href={`mailto:${contactEmail}`}>{contactEmail}</a> to have them erased sooner.
    </p>
  );
}
