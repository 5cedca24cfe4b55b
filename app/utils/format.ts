const longDate = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

/** "2018-04-17" → "17 April 2018" (the same on server and browser: fixed locale and zone). */
export function formatDate(isoDay: string): string {
  const date = new Date(`${isoDay}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? isoDay : longDate.format(date);
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString("en-GB")} ${count === 1 ? one : many}`;
}

/** A website without its scheme and trailing slash, for display. */
export function displayHost(website: string): string {
  return website.replace(/^https?:\/\//, "").replace(/\/$/, "");
}
