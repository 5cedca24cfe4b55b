const longDate = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });

/** "2018-04-17" → "17 April 2018" (the same on server and browser: fixed locale and zone). */
export function formatDate(isoDay: string): string {
  const date = new Date(`${isoDay}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? isoDay : longDate.format(date);
}

const monthYear = new Intl.DateTimeFormat("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });

/** A date as precisely as it is known: "17 April 2018", "September 2018" or "2018". */
export function formatDateAt(isoDay: string, precision: "day" | "month" | "year"): string {
  if (precision === "year") return isoDay.slice(0, 4);
  if (precision === "month") {
    const date = new Date(`${isoDay.slice(0, 7)}-01T00:00:00Z`);
    return Number.isNaN(date.getTime()) ? isoDay.slice(0, 7) : monthYear.format(date);
  }
  return formatDate(isoDay);
}

/** The machine-readable form of a date of this precision, for <time dateTime>: 2018-09, 2018. */
export function isoAt(isoDay: string, precision: "day" | "month" | "year"): string {
  return precision === "year" ? isoDay.slice(0, 4) : precision === "month" ? isoDay.slice(0, 7) : isoDay;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString("en-GB")} ${count === 1 ? one : many}`;
}

/** A website without its scheme and trailing slash, for display. */
export function displayHost(website: string): string {
  return website.replace(/^https?:\/\//, "").replace(/\/$/, "");
}
