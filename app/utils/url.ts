/** decodeURIComponent that answers null for a malformed escape instead of throwing. */
export function decodeOrNull(text: string): string | null {
  try {
    return decodeURIComponent(text);
  } catch {
    return null;
  }
}
