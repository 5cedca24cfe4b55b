// The footer's way into the staff area. Public pages are cached and rendered for no one in
// particular, so they cannot know who is signed in: they say "Staff area" (which asks to
// sign in when needed). A staff page knows its staff member (`me` in its data) and says so,
// instead of offering a sign-in to someone signed in (issue 14).
import { useMatches } from "@remix-run/react";

function signedInName(matches: ReturnType<typeof useMatches>): string | null {
  for (const match of matches) {
    const data: unknown = match.data;
    if (data !== null && typeof data === "object" && "me" in data) {
      const me: unknown = data.me;
      if (me !== null && typeof me === "object" && "name" in me && typeof me.name === "string") return me.name;
    }
  }
  return null;
}

export function StaffLink() {
  const name = signedInName(useMatches());
  return name ? (
    <>
      <a href="/moderation">Staff area</a> <span className="muted">(signed in as {name})</span>
    </>
  ) : (
    <a href="/moderation">Staff area</a>
  );
}
