import { Form } from "@remix-run/react";
import { useEffect, useRef, useSyncExternalStore } from "react";

export interface FilterValues {
  q: string;
  country: string[];
  sector: string[];
  pledge: string[];
  joined: string;
  founding: string;
  status: string;
  /** "" for the default order: best match with a search, name without. */
  sort: string;
  /** "" for the default page size (25). */
  per_page: string;
}

/** Each option with how many signatories choosing it would give (the directory's facets). */
export interface FilterOptions {
  countries: { code: string; name: string; count: number }[];
  sectors: { code: string; name: string; count: number }[];
  pledges: { code: string; title: string; count: number }[];
  /** Years with a join among the matches (other filters applied). */
  years: { year: number; count: number }[];
  founding: { founding: number; later: number };
  /** Matches by status (the status filter left out); a missing status has none. */
  statuses: Partial<Record<"active" | "withdrawn" | "suspended", number>>;
}

interface Props {
  values: FilterValues;
  options: FilterOptions;
  /** The number of results of the current filters: with JavaScript (which keeps it current
   * as the filters change) the sheet's button says "Show N results". */
  total?: number;
  /** Called when a field changes; the search box asks for a debounce. */
  onFilterChange?: (form: HTMLFormElement, debounce: boolean) => void;
  /** With JavaScript, the route may take over the submit (to drop empty fields). */
  onSubmit?: (event: React.FormEvent<HTMLFormElement>) => void;
}

export const PER_PAGE = ["10", "25", "50", "100"] as const;
const DEFAULT_PER_PAGE = "25";

/** How many filters narrow the results (the search and the order aside). */
export function activeFilters(values: FilterValues): number {
  return (
    values.country.length +
    values.sector.length +
    values.pledge.length +
    (values.joined ? 1 : 0) +
    (values.founding ? 1 : 0) +
    (values.status !== "active" ? 1 : 0)
  );
}

const noSubscription = () => () => {};

const withCount = (label: string, count: number) => `${label} (${count.toLocaleString("en-GB")})`;

/**
 * The directory's GET form: the search box, then every filter, the order and the page size
 * in one disclosure (`<details>`), folded on a phone so the results come first and shown as a
 * column on wider screens (directory.css). One filter model: selects and checkboxes, each
 * option with its count; options that would give nothing are left out or disabled.
 *
 * Without JavaScript it submits with its buttons; with it, the route submits on every change
 * and "Show N results" folds the sheet and takes the visitor to the results. Fields are
 * uncontrolled so typing is never interrupted; when the URL changes (a removed filter, back
 * button) the effect below brings the fields in line, except the one the visitor is in.
 */
export function FilterForm({ values, options, total, onFilterChange, onSubmit }: Props) {
  const formRef = useRef<HTMLFormElement>(null);
  const sheetRef = useRef<HTMLDetailsElement>(null);
  // Only once the page runs JavaScript does the count follow the fields as they change.
  // (false in the server's HTML and while hydrating, true after: no mismatch).
  const live = useSyncExternalStore(
    noSubscription,
    () => true,
    () => false,
  );

  useEffect(() => {
    const form = formRef.current;
    if (!form) return;
    const scalar: Record<string, string> = {
      q: values.q,
      country: values.country[0] ?? "",
      sector: values.sector[0] ?? "",
      joined: values.joined,
      founding: values.founding,
      status: values.status,
      sort: values.sort,
      "per-page": values.per_page,
    };
    for (const [name, value] of Object.entries(scalar)) {
      // By id, not name: a select that shares its name with hidden inputs (several
      // countries) is a RadioNodeList under its name.
      const field = form.querySelector(`#filter-${name}`);
      if ((field instanceof HTMLInputElement || field instanceof HTMLSelectElement) && field !== document.activeElement) {
        field.value = value;
      }
    }
    for (const box of form.querySelectorAll<HTMLInputElement>('input[name="pledge"]')) {
      box.checked = values.pledge.includes(box.value);
    }
  }, [values]);

  const years = options.years.map((y) => ({ value: String(y.year), label: withCount(String(y.year), y.count) }));
  if (values.joined && !years.some((y) => y.value === values.joined)) years.push({ value: values.joined, label: values.joined });
  const perPage: string[] = [...PER_PAGE];
  if (values.per_page && !perPage.includes(values.per_page)) perPage.push(values.per_page);
  const statuses = options.statuses;
  const anyStatus = (statuses.active ?? 0) + (statuses.withdrawn ?? 0) + (statuses.suspended ?? 0);
  const active = activeFilters(values);

  return (
    <Form
      ref={formRef}
      id="directory-filters"
      method="get"
      action="/signatories"
      className="filter-form"
      role="search"
      aria-label="Search and filter signatories"
      onSubmit={(event) => {
        // The sheet folds (on a phone it covered the results); on wider screens it stays shown.
        if (sheetRef.current) sheetRef.current.open = false;
        onSubmit?.(event);
      }}
      onChange={(event) => {
        const target = event.target as HTMLElement;
        onFilterChange?.(event.currentTarget, target.getAttribute("name") === "q");
      }}
    >
      <div className="field filter-search">
        <label htmlFor="filter-q">Search</label>
        <div className="search-row">
          <input
            id="filter-q"
            type="search"
            name="q"
            defaultValue={values.q}
            maxLength={200}
            placeholder="Company, country, sector…"
            autoComplete="off"
          />
          {/* The first submit button: Enter in the search box presses it. */}
          <button type="submit" className="button">
            Search
          </button>
        </div>
      </div>

      <details className="filter-sheet" ref={sheetRef}>
        <summary>
          <span className="filter-sheet-title">Filter and sort</span>
          {active > 0 ? <span className="filter-sheet-active"> ({active} on)</span> : null}
        </summary>
        <div className="filter-fields">
          <div className="field">
            <label htmlFor="filter-country">Country</label>
            <select id="filter-country" name="country" defaultValue={values.country[0] ?? ""}>
              <option value="">Any country</option>
              {options.countries.map((c) => (
                <option key={c.code} value={c.code}>
                  {withCount(c.name, c.count)}
                </option>
              ))}
            </select>
            {values.country.slice(1).map((code) => (
              <input key={code} type="hidden" name="country" value={code} />
            ))}
          </div>

          <div className="field">
            <label htmlFor="filter-sector">Sector</label>
            <select id="filter-sector" name="sector" defaultValue={values.sector[0] ?? ""}>
              <option value="">Any sector</option>
              {options.sectors.map((s) => (
                <option key={s.code} value={s.code}>
                  {withCount(s.name, s.count)}
                </option>
              ))}
            </select>
            {values.sector.slice(1).map((code) => (
              <input key={code} type="hidden" name="sector" value={code} />
            ))}
          </div>

          <div className="field">
            <label htmlFor="filter-joined">Joined</label>
            <select id="filter-joined" name="joined" defaultValue={values.joined}>
              <option value="">Any year</option>
              {years.map((y) => (
                <option key={y.value} value={y.value}>
                  {y.label}
                </option>
              ))}
            </select>
          </div>

          <div className="field">
            <label htmlFor="filter-founding">Signed</label>
            <select id="filter-founding" name="founding" defaultValue={values.founding}>
              <option value="">Any time</option>
              <option value="1" disabled={options.founding.founding === 0 && values.founding !== "1"}>
                {withCount("At launch (founding)", options.founding.founding)}
              </option>
              <option value="0" disabled={options.founding.later === 0 && values.founding !== "0"}>
                {withCount("After launch", options.founding.later)}
              </option>
            </select>
          </div>

          <div className="field">
            <label htmlFor="filter-status">Status</label>
            <select id="filter-status" name="status" defaultValue={values.status}>
              {(["active", "withdrawn", "suspended"] as const).map((status) => (
                <option key={status} value={status} disabled={!statuses[status] && values.status !== status}>
                  {withCount(status[0].toUpperCase() + status.slice(1), statuses[status] ?? 0)}
                </option>
              ))}
              <option value="all">{withCount("Any status", anyStatus)}</option>
            </select>
          </div>

          <fieldset className="field field-pledges">
            <legend>Endorses every one of these pledges</legend>
            {options.pledges.map((p) => {
              const checked = values.pledge.includes(p.code);
              return (
                <div key={p.code} className="checkbox">
                  <input
                    id={`filter-pledge-${p.code}`}
                    type="checkbox"
                    name="pledge"
                    value={p.code}
                    defaultChecked={checked}
                    disabled={p.count === 0 && !checked}
                  />
                  <label htmlFor={`filter-pledge-${p.code}`}>
                    {/* Nobody recorded here endorses it: "none recorded", never a bare 0 (decision 016). */}
                    {p.title} <span className="count">({p.count > 0 ? p.count.toLocaleString("en-GB") : "none recorded"})</span>
                  </label>
                </div>
              );
            })}
          </fieldset>

          <div className="field">
            <label htmlFor="filter-sort">Sort by</label>
            <select id="filter-sort" name="sort" defaultValue={values.sort}>
              {/* Empty means the default order, so typing a search switches to best match. */}
              <option value="">{values.q ? "Best match" : "Name"}</option>
              {values.q ? <option value="name">Name</option> : null}
              <option value="joined">Joined, oldest first</option>
              <option value="-joined">Joined, newest first</option>
            </select>
          </div>

          <div className="field">
            <label htmlFor="filter-per-page">Results a page</label>
            <select id="filter-per-page" name="per_page" defaultValue={values.per_page}>
              {perPage.map((n) => (
                // Empty means the default, so the address stays short.
                <option key={n} value={n === DEFAULT_PER_PAGE ? "" : n}>
                  {n}
                </option>
              ))}
            </select>
          </div>

          <div className="form-actions">
            <button type="submit" className="button">
              {live && total !== undefined ? `Show ${total.toLocaleString("en-GB")} ${total === 1 ? "result" : "results"}` : "Show results"}
            </button>
          </div>
        </div>
      </details>
    </Form>
  );
}
