// The passkey forms' rules, shared by the account page and its action (plain .ts: the
// browser runs them too).
import { z } from "zod";
import { ruledText } from "~/modules/text";

export const PASSKEY_NAME_MAX = 60;

/** What the person calls a passkey ("YubiKey 5C", "Work laptop"), shown on /account. */
export const passkeyNameSchema = ruledText("The passkey's name", "line").pipe(
  z
    .string()
    .min(1, { error: "Give the passkey a name, such as the device or key it lives on." })
    .max(PASSKEY_NAME_MAX, { error: `The passkey's name must be at most ${PASSKEY_NAME_MAX} characters.` }),
);
