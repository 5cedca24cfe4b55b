// The one rule for text that people and files write into the registry: the applicant's
// form, the moderator's edit of a signatory and db:import all call it, so a character
// refused on one path cannot come in through another. Stored text is Unicode NFC and
// holds no control characters (a multi-line field keeps its line feeds and tabs), no
// text-direction overrides or isolates (they make a name read as something it is not), no
// unpaired surrogates and no noncharacters (U+FFFE, U+FFFF and the rest). Those are
// also what makes XML ill-formed, so the feed and badges stay well-formed by construction
// (xml.ts still drops them from anything stored before this rule).
// Plain .ts with no server imports: the browser runs the same schemas.
import { z } from "zod";

/** One line (a name, a title) or several (a description, a note). */
export type TextKind = "line" | "text";

// \p{Cc}: C0 and C1 controls and DEL; U+2028/2029: Unicode's line and paragraph
// separators; U+202A–202E and U+2066–2069: embeddings, overrides and isolates; \p{Cs}
// with the u flag matches only a surrogate that has no partner.
const FORBIDDEN_LINE = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069\p{Cs}\p{Noncharacter_Code_Point}]/u;
// The same, but a line feed and a tab are text.
const FORBIDDEN_TEXT = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069\p{Cs}\p{Noncharacter_Code_Point}]/u;

/** The first character the rule refuses in `value`, or null when there is none. */
export function forbiddenCharacter(value: string, kind: TextKind): string | null {
  return (kind === "line" ? FORBIDDEN_LINE : FORBIDDEN_TEXT).exec(value)?.[0] ?? null;
}

/** "U+0001": how a message names a character that cannot be shown. */
export function codePointLabel(character: string): string {
  return `U+${character.codePointAt(0)!.toString(16).toUpperCase().padStart(4, "0")}`;
}

/** A message naming the field and the character, for staff forms and db:import. */
function forbiddenMessage(label: string, character: string, kind: TextKind): string {
  const what = kind === "line" ? "one line of text" : "text";
  return `${label} contains ${codePointLabel(character)}, which is not allowed: it must be ${what} without control characters, text-direction overrides or noncharacters.`;
}

/** One line as a person typed it: NFC, runs of white space (tabs, line breaks) as one space, trimmed. */
export function normaliseLine(value: string): string {
  return value.normalize("NFC").replace(/\s+/gu, " ").trim();
}

/** Several lines: NFC, line breaks as \n (CRLF, CR, U+0085, U+2028, U+2029), spaces and
 * tabs within a line collapsed, at most one empty line in a row, trimmed. */
export function normaliseText(value: string): string {
  return value
    .normalize("NFC")
    .replace(/\r\n?|[\u2028\u2029\u0085]/g, "\n")
    .replace(/[^\S\n]+/gu, " ")
    .replace(/ ?\n ?/g, "\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/**
 * A zod schema for a field under the rule, for forms that name their fields in messages
 * (the staff area's): normalised (one line or several), then refused with a message
 * naming the field when it holds a forbidden character. Length rules go after it with
 * .pipe(), so they count the normalised text. (The application form applies the same
 * check with its own words, app/modules/applications/schema.ts.)
 */
export function ruledText(label: string, kind: TextKind) {
  return z
    .string({ error: `${label} is required.` })
    .transform(kind === "line" ? normaliseLine : normaliseText)
    .superRefine(refuseForbidden(label, kind));
}

/** The rule's check alone, for a value that must not be normalised (an address). */
export function refuseForbidden(label: string, kind: TextKind) {
  return (value: string, ctx: z.RefinementCtx) => {
    const found = forbiddenCharacter(value, kind);
    if (found) ctx.addIssue({ code: "custom", message: forbiddenMessage(label, found, kind) });
  };
}
