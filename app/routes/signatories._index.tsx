import type { LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData, useLocation, useNavigation, useSubmit } from "@remix-run/react";
import { useEffect, useRef } from "react";
import { CoverageNote } from "~/components/coverage";
import { FilterForm, type FilterValues } from "~/components/filter-form";
import { Pagination } from "~/components/pagination";
import { SignatoryCard } from "~/components/signatory-card";
import { logoHashes } from "~/modules/logos/logos.server";
import { cacheable } from "~/modules/cache/cache-policy";
import { countryName } from "~/modules/countries";
import { getDb } from "~/modules/database/db.server";
import { directoryFacets, listPledgeDefinitions, listSectors } from "~/modules/directory/directory.server";
import { loadDirectory } from "~/modules/directory/load.server";
import { DIRECTORY_PARAMS, type DirectoryQuery } from "~/modules/directory/query";
import { getCoverage, summariseCoverage } from "~/modules/provenance/coverage.server";
import { canonical, canonicalSearch } from "~/utils/canonical";
import { plural } from "~/utils/format";
import { httpError } from "~/utils/http.server";
import stylesheet from "~/styles/directory.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: stylesheet }];

// Cached for anonymous visitors (cache-policy.ts): the directory's parameters are all it reads.
export const handle = cacheable(DIRECTORY_PARAMS);

export const meta: MetaFunction<typeof loader> = ({ data, matches }) => [
  { title: data?.q ? `“${data.q}” in the directory · Accord Registry` : "Directory of signatories · Accord Registry" },
  {
    name: "description",
    content: "Search every company that signed the Cybersecurity Tech Accord, by name, country, sector, pledge and join date.",
  },
  ...(data ? canonical(matches, `/signatories${data.canonicalSearch}`) : []),
];

export async function loader({ request }: LoaderFunctionArgs) {
  const db = getDb();
  const url = new URL(request.url);
  const directory = await loadDirectory(db, url);
  if (!directory.ok) throw httpError(400, `Invalid ${directory.param}: ${directory.message}`);
  const { query, result } = directory;
  const [facets, sectors, pledges, coverage, logos] = await Promise.all([
    directoryFacets(db, query),
    listSectors(db),
    listPledgeDefinitions(db),
    getCoverage(db),
    logoHashes(
      db,
      result.items.map((s) => s.slug),
    ),
  ]);
  // "Download these results": the same filters, every page (CSV) or 100 a page (JSON).
  const filters = canonicalSearch(
    url.search,
    DIRECTORY_PARAMS.filter((p) => p !== "page" && p !== "per_page"),
  );
  const sectorName = new Map(sectors.map((s) => [s.code, s.name]));
  const values: FilterValues = {
    q: query.q ?? "",
    country: query.country,
    sector: query.sector,
    pledge: query.pledge,
    joined: url.searchParams.get("joined")?.trim() ?? "",
    founding: query.founding === undefined ? "" : query.founding ? "1" : "0",
    status: query.status,
    sort: formSort(query),
    per_page: query.perPage === DEFAULT_PER_PAGE ? "" : String(query.perPage),
  };
  const pledgeCount = new Map(facets.pledges.map((p) => [p.code, p.count]));
  return {
    q: query.q ?? "",
    /** The search's words, folded: the rows mark what they matched. */
    words: query.words,
    canonicalSearch: canonicalSearch(url.search, DIRECTORY_PARAMS),
    coverage: summariseCoverage(coverage),
    downloads: {
      csv: `/signatories.csv${filters}`,
      json: `/api/v1/signatories${filters ? `${filters}&` : "?"}per_page=100`,
    },
    values,
    total: result.total,
    page: result.page,
    pages: result.pages,
    signatories: result.items.map((s) => ({
      slug: s.slug,
      name: s.name,
      country_name: countryName(s.country),
      sector_name: s.sector_name,
      description: s.description,
      website: s.website,
      joined_on: s.joined_on,
      joined_precision: s.joined_precision,
      founding: s.founding,
      status: s.status,
      logo: logos.get(s.slug) ?? null,
    })),
    options: {
      // Every selected value stays listed even when no signatory matches it now.
      countries: withSelected(facets.countries, query.country).map((c) => ({ ...c, name: countryName(c.code) })),
      sectors: withSelected(facets.sectors, query.sector).map((s) => ({ ...s, name: sectorName.get(s.code) ?? s.code })),
      pledges: pledges.map((p) => ({ code: p.code, title: p.title, count: pledgeCount.get(p.code) ?? 0 })),
      years: facets.years,
      founding: facets.founding,
      statuses: Object.fromEntries(facets.statuses.map((s) => [s.code, s.count])),
    },
    labels: {
      sectors: Object.fromEntries(sectorName),
      pledges: Object.fromEntries(pledges.map((p) => [p.code, p.title])),
      countries: Object.fromEntries(query.country.map((c) => [c, countryName(c)])),
    },
  };
}

const DEFAULT_PER_PAGE = 25;

/** The sort select's value: "" stands for the default order of this query. */
function formSort(query: DirectoryQuery) {
  const byDefault = query.q ? "relevance" : "name";
  return query.sort === byDefault || query.sort === "relevance" ? "" : query.sort;
}

function withSelected(facet: { code: string; count: number }[], selected: string[]) {
  const missing = selected.filter((code) => !facet.some((f) => f.code === code));
  return [...facet, ...missing.map((code) => ({ code, count: 0 }))];
}

const STATUS_LABEL: Record<string, string> = {
  withdrawn: "Withdrawn",
  suspended: "Suspended",
  all: "Any status",
};
const SORT_LABEL: Record<string, string> = { joined: "oldest first", "-joined": "newest first" };

/** Navigations that should land on the results (a submitted form, a page, a removed filter)
 * carry this state; the live updates while a field changes do not, so focus stays put. */
const TO_RESULTS = { focusResults: true } as const;

export default function Directory() {
  const data = useLoaderData<typeof loader>();
  const location = useLocation();
  const navigation = useNavigation();
  const submit = useSubmit();
  const timer = useRef<ReturnType<typeof setTimeout>>();
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => () => clearTimeout(timer.current), []);

  // After a search, a page or a removed filter, the focus goes to the results' heading: a
  // screen reader reads on from there (the count is announced by its role=status), and on a
  // phone the results are what is on the screen.
  useEffect(() => {
    if ((location.state as typeof TO_RESULTS | null)?.focusResults) heading.current?.focus();
  }, [location.key, location.state]);

  /** Submits the filters without their empty fields, so the address stays readable.
   * A pending as-you-type search is dropped: it would overtake this one. */
  const search = (form: HTMLFormElement, live: boolean) => {
    clearTimeout(timer.current);
    const fields = [...new FormData(form)].filter(([, v]) => v !== "") as [string, string][];
    submit(new URLSearchParams(fields), {
      action: "/signatories",
      method: "get",
      replace: live,
      preventScrollReset: live,
      state: live ? undefined : TO_RESULTS,
    });
  };

  const params = new URLSearchParams(location.search);
  const without = (name: string, value?: string) => {
    const next = new URLSearchParams();
    for (const [k, v] of params) {
      if (k === "page" || (k === name && (value === undefined || v === value))) continue;
      next.append(k, v);
    }
    const search = next.toString();
    return search ? `/signatories?${search}` : "/signatories";
  };
  const pageLink = (page: number) => {
    const next = new URLSearchParams(params);
    if (page === 1) next.delete("page");
    else next.set("page", String(page));
    const search = next.toString();
    return search ? `/signatories?${search}` : "/signatories";
  };

  const { values, labels } = data;
  const chips: { label: string; to: string }[] = [
    ...(values.q ? [{ label: `Search: “${values.q}”`, to: without("q") }] : []),
    ...values.country.map((c) => ({ label: `Country: ${labels.countries[c]}`, to: without("country", c) })),
    ...values.sector.map((s) => ({ label: `Sector: ${labels.sectors[s]}`, to: without("sector", s) })),
    ...values.pledge.map((p) => ({ label: `Pledge: ${labels.pledges[p]}`, to: without("pledge", p) })),
    ...(values.joined ? [{ label: `Joined: ${values.joined}`, to: without("joined") }] : []),
    ...(values.founding
      ? [{ label: values.founding === "1" ? "Founding signatories" : "Joined after launch", to: without("founding") }]
      : []),
    ...(values.status !== "active" ? [{ label: `Status: ${STATUS_LABEL[values.status]}`, to: without("status") }] : []),
  ];
  const busy = navigation.state === "loading" && navigation.location.pathname === "/signatories";

  return (
    <div className="directory">
      <h1>Directory of signatories</h1>
      <div className="directory-layout">
        <div className="directory-filters">
          <FilterForm
            values={values}
            options={data.options}
            total={data.total}
            onFilterChange={(form, debounce) => {
              clearTimeout(timer.current);
              const go = () => search(form, true);
              if (debounce) timer.current = setTimeout(go, 250);
              else go();
            }}
            onSubmit={(event) => {
              event.preventDefault();
              search(event.currentTarget, false);
            }}
          />
        </div>

        <section className="directory-results" aria-labelledby="results-heading" aria-busy={busy}>
          <div className="results-head">
            <h2 id="results-heading" tabIndex={-1} ref={heading}>
              Results
            </h2>
            <p className="result-count" role="status">
              {plural(data.total, "signatory", "signatories")}
              {data.pages > 1 ? `, page ${data.page} of ${data.pages}` : ""}
              {values.sort in SORT_LABEL ? `, ${SORT_LABEL[values.sort]}` : ""}
            </p>
          </div>
          <CoverageNote coverage={data.coverage} />
          {chips.length > 0 ? (
            <ul className="chips" aria-label="Active filters">
              {chips.map((chip) => (
                <li key={chip.to + chip.label}>
                  <Link to={chip.to} state={TO_RESULTS} className="chip" aria-label={`Remove filter ${chip.label}`}>
                    {chip.label} <span aria-hidden="true">×</span>
                  </Link>
                </li>
              ))}
              <li>
                <Link to="/signatories" state={TO_RESULTS} className="chip chip-clear">
                  Clear all
                </Link>
              </li>
            </ul>
          ) : null}

          {data.signatories.length > 0 ? (
            <>
              {/* The rows' columns on wide screens; each row says the same to a screen reader. */}
              <div className="result-columns" aria-hidden="true">
                <span>Name</span>
                <span>Headquarters</span>
                <span>Sector</span>
                <span>Joined</span>
              </div>
              <ol className="result-list">
                {data.signatories.map((s) => (
                  <li key={s.slug}>
                    <SignatoryCard signatory={s} words={data.words} />
                  </li>
                ))}
              </ol>
            </>
          ) : (
            <div className="empty-state">
              <h3>No signatory matches {data.total > 0 ? "on this page" : "these filters"}</h3>
              {data.total > 0 ? (
                <p>
                  <Link to={pageLink(1)} state={TO_RESULTS}>
                    Go to the first page
                  </Link>
                  .
                </p>
              ) : (
                <ul>
                  {values.q ? <li>Check the spelling, or search for fewer or shorter words.</li> : null}
                  {chips.length > 0 ? (
                    <li>
                      Remove one of the active filters listed under “Results”, or{" "}
                      <Link to="/signatories" state={TO_RESULTS}>
                        clear every filter
                      </Link>
                      .
                    </li>
                  ) : null}
                  {values.status === "active" ? (
                    <li>
                      <Link to={addParam(new URLSearchParams(without("status").split("?")[1]), "status", "all")} state={TO_RESULTS}>
                        Include withdrawn and suspended signatories
                      </Link>
                    </li>
                  ) : null}
                </ul>
              )}
            </div>
          )}

          <Pagination page={data.page} pages={data.pages} href={pageLink} state={TO_RESULTS} />

          <p className="download-links">
            Download these results:{" "}
            <a href={data.downloads.csv} download>
              CSV
            </a>{" "}
            ·{" "}
            <a href={data.downloads.json} type="application/json">
              JSON
            </a>
          </p>
        </section>
      </div>
    </div>
  );
}

function addParam(params: URLSearchParams, name: string, value: string) {
  const next = new URLSearchParams(params);
  next.delete("page");
  next.append(name, value);
  return `/signatories?${next}`;
}
