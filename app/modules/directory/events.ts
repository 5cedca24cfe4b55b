// The words for a signatory's history, on its public page and on the staff's edit page.
// Shared by server and browser.
import type { SignatoryEventKind } from "../../../db/schema";

export const SIGNATORY_EVENT_LABEL: Record<SignatoryEventKind, string> = {
  joined: "Signed the accord",
  pledge_endorsed: "Endorsed a pledge",
  withdrawn: "Withdrew from the accord",
  suspended: "Suspended by the registry",
  reinstated: "Reinstated",
  updated: "Record updated",
};
