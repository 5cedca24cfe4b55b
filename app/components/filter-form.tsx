import { Form } from "@remix-run/react";
import { useEffect, useRef } from "react";

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
}

export interface FilterOptions {
  countries: { code: string; name: string; count: number }[];
  sectors: { code: string; name: string; count: number }[];
  pledges: { code: string; title: string }[];
  years: number[];
}

interface Props {
  values: FilterValues;
  options: FilterOptions;
  /** Called when a field changes; the search box asks for a debounce. */
  onFilterChange?: (form: HTMLFormElement, debounce: boolean) => void;
  /** With JavaScript, the route may take over the submit (to drop empty fields). */
  onSubmit?: (event: React.FormEvent<HTMLFormElement>) => void;
}

/**
 * The directory's GET form. Without JavaScript it submits with its button; with it,
 * the route submits on every change. Fields are uncontrolled so typing is never
 * interrupted; when the URL changes (a removed filter, back button) the effect below
 * brings the fields in line, except the one the visitor is typing in.
 */
export function FilterForm({ values, options, onFilterChange, onSubmit }: Props) {
  const formRef = useRef<HTMLFormElement>(null);

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

  const years = options.years.map(String);
  if (values.joined && !years.includes(values.joined)) years.push(values.joined);

  return (
    <Form
      ref={formRef}
      method="get"
      action="/signatories"
      className="filter-form"
      role="search"
      aria-label="Search and filter signatories"
      onSubmit={onSubmit}
      onChange={(event) => {
        const target = event.target as HTMLElement;
        onFilterChange?.(event.currentTarget, target.getAttribute("name") === "q");
      }}
    >
      <div className="field field-search">
        <label htmlFor="filter-q">Search</label>
        <input
          id="filter-q"
          type="search"
          name="q"
          defaultValue={values.q}
          maxLength={200}
          placeholder="Company, country, sector…"
          autoComplete="off"
        />
      </div>

      <div className="field">
        <label htmlFor="filter-country">Country</label>
        <select id="filter-country" name="country" defaultValue={values.country[0] ?? ""}>
          <option value="">Any country</option>
          {options.countries.map((c) => (
            <option key={c.code} value={c.code}>
              {c.name} ({c.count})
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
              {s.name} ({s.count})
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
            <option key={y} value={y}>
              {y}
            </option>
          ))}
        </select>
      </div>

      <div className="field">
        <label htmlFor="filter-founding">Signed</label>
        <select id="filter-founding" name="founding" defaultValue={values.founding}>
          <option value="">At launch or later</option>
          <option value="1">At launch (founding)</option>
          <option value="0">After launch</option>
        </select>
      </div>

      <div className="field">
        <label htmlFor="filter-status">Status</label>
        <select id="filter-status" name="status" defaultValue={values.status}>
          <option value="active">Active</option>
          <option value="withdrawn">Withdrawn</option>
          <option value="suspended">Suspended</option>
          <option value="all">Any status</option>
        </select>
      </div>

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

      <fieldset className="field field-pledges">
        <legend>Endorses every one of these pledges</legend>
        {options.pledges.map((p) => (
          <div key={p.code} className="checkbox">
            <input
              id={`filter-pledge-${p.code}`}
              type="checkbox"
              name="pledge"
              value={p.code}
              defaultChecked={values.pledge.includes(p.code)}
            />
            <label htmlFor={`filter-pledge-${p.code}`}>{p.title}</label>
          </div>
        ))}
      </fieldset>

      <div className="form-actions">
        <button type="submit" className="button">
          Show signatories
        </button>
      </div>
    </Form>
  );
}
