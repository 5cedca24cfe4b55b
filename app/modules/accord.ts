// The accord's own fixed facts, named once. Shared by server and browser.

/** The day the accord was launched: no one can have joined or endorsed before it. */
export const ACCORD_LAUNCH = "2018-04-17";

/** How many companies launched it (the founding signatories). */
export const FOUNDING_SIGNATORIES = 34;
