// The application form, used to apply (/apply) and to answer a request for changes (the
// status page). It renders what the server sent back (values kept, a message beside each
// wrong field, the first wrong field focused) and works without JavaScript. With
// JavaScript, each field is checked as the applicant leaves it, by the same zod schema
// the server runs (schema.ts). The schema (zod and the public suffix list: two thirds of
// the page's JavaScript, issue 16) is loaded when the applicant first focuses or presses
// anything in the form, not with the page; a check or a submission that comes before it
// has arrived waits for it.
import { Form, useNavigation } from "@remix-run/react";
import { useEffect, useRef, useState, type FocusEvent, type FormEvent, type ReactNode } from "react";
import { CheckboxField, ErrorList, Field, FieldGroup, fieldIds } from "~/components/form-fields";
import { FIELDS, type ApplicationField, type ApplicationValues } from "~/modules/applications/fields";
import type * as SchemaModule from "~/modules/applications/schema";
import type { ApplicationOptions, FieldErrors } from "~/modules/applications/schema";
import { browserRefusalStore } from "~/utils/page-title";

export interface ApplicationFormOptions {
  countries: { code: string; name: string }[];
  sectorList: { code: string; name: string; description: string }[];
  pledges: { code: string; title: string; summary: string; required: boolean }[];
}

interface Props {
  action: string;
  options: ApplicationFormOptions;
  /** What the browser needs to run the schema. */
  schemaOptions: ApplicationOptions;
  /** The values to show: empty, stored, or what was just sent. */
  values: ApplicationValues;
  /** The server's messages for what was just sent. */
  errors: FieldErrors;
  /** A message about the whole submission (sent too fast, too many, …). */
  formError?: string | null;
  /** Hidden inputs: the anti-forgery token and whatever else the route needs back. */
  hidden: ReactNode;
  /** Offers the optional logo upload (CONTRACT §8; the form becomes multipart), with the
   * server's message about the file last sent. */
  logo?: { error: string | null };
  /** The honeypot field's name; absent on forms behind a private link. */
  honeypotField?: string;
  submitLabel: string;
}

const LABELS: Record<ApplicationField, string> = {
  name: "Organisation's legal name",
  website: "Website",
  country: "Headquarters country",
  sector: "Sector",
  description: "What the organisation does",
  contact_name: "Your name",
  contact_title: "Your job title",
  contact_email: "Your work e-mail address",
  pledges: "Pledges",
  accept: "Authority to commit",
};

const idOf = (field: ApplicationField) => `field-${field}`;
const pledgeId = (code: string) => `pledge-${code}`;

const LOGO_TYPES = ["image/png", "image/jpeg", "image/webp"];
const LOGO_MAX_BYTES = 2 * 1024 * 1024;

/** What the browser can tell about a chosen logo before sending it (the server checks the
 * content; these are the same limits, said sooner, and they spare a 413). */
function logoCheck(file: FormDataEntryValue | null): string | null {
  if (!(file instanceof File) || (file.size === 0 && file.name === "")) return null;
  if (file.size > LOGO_MAX_BYTES)
    return "The logo is larger than 2 MiB. Send a smaller file (a PNG or WebP of a few hundred pixels is plenty).";
  if (file.type === "image/svg+xml")
    return "SVG logos are not accepted, because they can carry scripts. Send the logo as a PNG, JPEG or WebP image.";
  if (file.type && !LOGO_TYPES.includes(file.type)) return "The file is not a PNG, JPEG or WebP image. Send the logo as one of those.";
  return null;
}

/** The form's field that an element belongs to (a pledge box counts as "pledges"). */
function fieldOf(element: EventTarget | null): ApplicationField | null {
  if (!(element instanceof HTMLElement)) return null;
  const name = element.getAttribute("name");
  return (FIELDS as readonly string[]).includes(name ?? "") ? (name as ApplicationField) : null;
}

type Schema = typeof SchemaModule;
let schema: Schema | undefined;
let schemaLoading: Promise<Schema> | undefined;
/** The schema's module, fetched once per page (a failed fetch is tried again next time). */
function loadSchema(): Promise<Schema> {
  schemaLoading ??= import("~/modules/applications/schema").then(
    (module) => (schema = module),
    (error: unknown) => {
      schemaLoading = undefined;
      throw error;
    },
  );
  return schemaLoading;
}

export function ApplicationForm({
  action,
  options,
  schemaOptions,
  values,
  errors: serverErrors,
  formError,
  hidden,
  honeypotField,
  submitLabel,
  logo,
}: Props) {
  const formRef = useRef<HTMLFormElement>(null);
  const navigation = useNavigation();
  const submitting = navigation.state === "submitting" && navigation.formAction === action;
  // Fields the applicant has left since the last server answer, and the schema's verdict
  // on the whole form at that moment.
  const [touched, setTouched] = useState<ReadonlySet<ApplicationField>>(new Set());
  const [checked, setChecked] = useState<{ errors: FieldErrors; values: ApplicationValues } | null>(null);
  // What stopped the last try in the browser (known errors are never sent).
  const [blocked, setBlocked] = useState<FieldErrors | null>(null);
  const summaryRef = useRef<HTMLDivElement>(null);

  // A new answer from the server: its messages replace the browser's (reset while
  // rendering, as React advises for state that follows a prop), and the focus goes to the
  // first wrong field (without JavaScript, `autoFocus` does it).
  const [answer, setAnswer] = useState(serverErrors);
  if (answer !== serverErrors) {
    setAnswer(serverErrors);
    setTouched(new Set());
    setChecked(null);
    setBlocked(null);
  }
  useEffect(() => {
    if (Object.keys(serverErrors).length === 0) return;
    formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [serverErrors]);

  const check = (field: ApplicationField) => {
    const form = formRef.current;
    if (!form) return;
    if (!schema) {
      // Checked as soon as the rules arrive (without them, the server checks on sending).
      loadSchema().then(
        () => latestCheck.current(field),
        () => undefined,
      );
      return;
    }
    const read = schema.readApplicationForm(new FormData(form));
    const result = schema.validateApplication(read.values, schemaOptions, read.errors);
    setTouched((previous) => (previous.has(field) ? previous : new Set([...previous, field])));
    setChecked({ errors: result.ok ? {} : result.errors, values: read.values });
  };

  // A message that appears on blur moves what is below it. When the blur comes from a
  // pointer press (on "Send", say), the check waits until the press is over: otherwise the
  // button moves away between mousedown and mouseup and the click is lost.
  const pointerDown = useRef(false);
  const pending = useRef<ApplicationField | null>(null);
  const latestCheck = useRef(check);
  useEffect(() => {
    latestCheck.current = check;
  });
  useEffect(() => {
    const down = () => {
      pointerDown.current = true;
    };
    const up = () => {
      pointerDown.current = false;
      const field = pending.current;
      pending.current = null;
      // After the click this press makes has been handled.
      if (field) setTimeout(() => latestCheck.current(field), 0);
    };
    window.addEventListener("pointerdown", down, true);
    window.addEventListener("pointerup", up, true);
    window.addEventListener("pointercancel", up, true);
    return () => {
      window.removeEventListener("pointerdown", down, true);
      window.removeEventListener("pointerup", up, true);
      window.removeEventListener("pointercancel", up, true);
    };
  }, []);

  const onBlur = (event: FocusEvent<HTMLFormElement>) => {
    const field = fieldOf(event.target);
    if (!field) return;
    // The pledges are one answer: checked when the focus leaves the group, not each box.
    if (field === "pledges" && fieldOf(event.relatedTarget) === "pledges") return;
    if (pointerDown.current) pending.current = field;
    else check(field);
  };
  // Known errors stop the submission (issue 14): what the browser can judge is not sent,
  // so a mistake costs the applicant no round trip and nothing against any limit. Every
  // field shows its verdict, the summary lists them, the focus goes to the summary.
  const [logoBlocked, setLogoBlocked] = useState<string | null>(null);
  // Multipart only when it carries a file: the server's render (and so every browser without
  // JavaScript) says multipart; once running, the form sends a plain form until a logo is chosen.
  const [withFile, setWithFile] = useState(true);
  useEffect(() => {
    const input = formRef.current?.querySelector<HTMLInputElement>('input[type="file"]');
    setWithFile(!!input?.files?.length);
  }, []);
  const warmUp = () => {
    if (!schema) loadSchema().catch(() => undefined);
  };
  // A submission before the rules have arrived waits for them and is then sent again by
  // the same button; if they cannot be fetched, it goes to the server, which checks it.
  const unchecked = useRef(false);
  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    if (!schema && !unchecked.current) {
      event.preventDefault();
      const form = event.currentTarget;
      const submitter = (event.nativeEvent as SubmitEvent).submitter;
      const again = () => form.requestSubmit(submitter && form.contains(submitter) ? submitter : undefined);
      loadSchema().then(again, () => {
        unchecked.current = true;
        again();
      });
      return;
    }
    if (!schema) return;
    const data = new FormData(event.currentTarget);
    const read = schema.readApplicationForm(data);
    const result = schema.validateApplication(read.values, schemaOptions, read.errors);
    const logoProblem = logo ? logoCheck(data.get("logo")) : null;
    setLogoBlocked(logoProblem);
    if (result.ok && !logoProblem) {
      setBlocked(null);
      return;
    }
    event.preventDefault();
    setTouched(new Set(FIELDS));
    setChecked({ errors: result.ok ? {} : result.errors, values: read.values });
    setBlocked(result.ok ? {} : result.errors);
  };
  useEffect(() => {
    if (blocked) summaryRef.current?.focus();
    // The page's title says "Error:" while the browser holds back what it knows is wrong.
    browserRefusalStore.set(!!blocked);
  }, [blocked]);
  useEffect(() => () => browserRefusalStore.set(false), []);

  const onChange = (event: { target: EventTarget }) => {
    if (event.target instanceof HTMLInputElement && event.target.type === "file") setWithFile(!!event.target.files?.length);
    const field = fieldOf(event.target);
    // Once a field shows its verdict, it follows every change (a fixed error goes away).
    if (field && touched.has(field)) check(field);
  };

  /** The message to show now: the browser's for a field the applicant has left, unless the
   * field still holds what the server judged (its rules can be the server's alone). */
  const errorOf = (field: ApplicationField): string | undefined => {
    if (!checked || !touched.has(field)) return serverErrors[field];
    const fromBrowser = checked.errors[field];
    if (fromBrowser) return fromBrowser;
    const unchanged = JSON.stringify(checked.values[field]) === JSON.stringify(values[field]);
    return unchanged ? serverErrors[field] : undefined;
  };
  const errors = Object.fromEntries(FIELDS.map((f) => [f, errorOf(f)]).filter(([, e]) => e)) as FieldErrors;
  const first = FIELDS.find((f) => errors[f]);
  const currentPledges = checked?.values.pledges ?? values.pledges;
  const pledgesError = errors.pledges;
  const requiredMissing = options.pledges.filter((p) => p.required && !currentPledges.includes(p.code));
  const pledgeInvalid = (code: string, required: boolean) =>
    !!pledgesError && (requiredMissing.length > 0 ? required && !currentPledges.includes(code) : true);
  const firstInvalidPledge = options.pledges.find((p) => pledgeInvalid(p.code, p.required))?.code ?? options.pledges[0]?.code;

  const text = (
    field: Exclude<ApplicationField, "pledges" | "accept" | "country" | "sector" | "description">,
    props: { type?: string; autoComplete?: string; inputMode?: "url" | "email" | "text"; hint?: ReactNode; spellCheck?: boolean },
  ) => (
    <Field id={idOf(field)} name={field} label={LABELS[field]} hint={props.hint} error={errors[field]} focus={first === field}>
      {(control) => (
        <input
          {...control}
          type={props.type ?? "text"}
          autoComplete={props.autoComplete}
          inputMode={props.inputMode}
          spellCheck={props.spellCheck}
          defaultValue={values[field]}
        />
      )}
    </Field>
  );

  const required = options.pledges.filter((p) => p.required);
  const optional = options.pledges.filter((p) => !p.required);
  const pledgeBox = (p: ApplicationFormOptions["pledges"][number]) => (
    <CheckboxField
      key={p.code}
      id={pledgeId(p.code)}
      name="pledges"
      value={p.code}
      label={
        <>
          {p.title}
          {p.required ? <span className="pledge-required"> (required)</span> : null}
        </>
      }
      description={p.summary}
      defaultChecked={values.pledges.includes(p.code)}
      invalid={pledgeInvalid(p.code, p.required)}
      errorId={fieldIds(idOf("pledges")).errorId}
      focus={first === "pledges" && p.code === firstInvalidPledge}
    />
  );

  // The summary lists what was last sent, or what stopped the last try in the browser.
  const summaryErrors = blocked ?? serverErrors;
  const summary = FIELDS.filter((f) => summaryErrors[f]);
  const logoError = blocked ? logoBlocked : (logo?.error ?? null);

  return (
    <Form
      ref={formRef}
      method="post"
      action={action}
      noValidate
      className="application-form"
      onBlur={onBlur}
      onChange={onChange}
      onSubmit={onSubmit}
      onFocus={warmUp}
      onPointerDown={warmUp}
      aria-describedby={formError ? "form-alert" : undefined}
      encType={logo && withFile ? "multipart/form-data" : undefined}
    >
      {hidden}
      {formError ? (
        <div id="form-alert" className="form-alert" role="alert">
          <p>{formError}</p>
        </div>
      ) : null}
      {summary.length > 0 || logoError ? (
        <div className="error-summary" aria-labelledby="error-summary-title" ref={summaryRef} tabIndex={-1}>
          <h2 id="error-summary-title">
            {summary.length + (logoError ? 1 : 0) === 1
              ? "One answer needs a change"
              : `${summary.length + (logoError ? 1 : 0)} answers need a change`}
          </h2>
          <ul>
            {summary.map((f) => (
              <li key={f}>
                <a href={`#${f === "pledges" ? pledgeId(firstInvalidPledge ?? "") : idOf(f)}`}>
                  {LABELS[f]}: {summaryErrors[f]}
                </a>
              </li>
            ))}
            {logoError ? (
              <li>
                <a href="#field-logo">Logo: {logoError}</a>
              </li>
            ) : null}
          </ul>
        </div>
      ) : null}

      <section className="form-section" aria-labelledby="section-organisation">
        <h2 id="section-organisation">The organisation</h2>
        {text("name", { autoComplete: "organization", hint: "As registered, 2 to 120 characters." })}
        {text("website", {
          type: "url",
          inputMode: "url",
          autoComplete: "url",
          spellCheck: false,
          hint: "Its address, starting with https:// (for example https://www.example.com).",
        })}
        <Field id={idOf("country")} name="country" label={LABELS.country} error={errors.country} focus={first === "country"}>
          {(control) => (
            <select {...control} defaultValue={values.country} autoComplete="country">
              <option value="">Choose a country</option>
              {options.countries.map((c) => (
                <option key={c.code} value={c.code}>
                  {c.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field id={idOf("sector")} name="sector" label={LABELS.sector} error={errors.sector} focus={first === "sector"}>
          {(control) => (
            <select {...control} defaultValue={values.sector}>
              <option value="">Choose a sector</option>
              {options.sectorList.map((s) => (
                <option key={s.code} value={s.code}>
                  {s.name}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field
          id={idOf("description")}
          name="description"
          label={LABELS.description}
          hint="What it makes or offers, and for whom: 20 to 1,000 characters. It appears in the directory once approved."
          error={errors.description}
          focus={first === "description"}
        >
          {(control) => <textarea {...control} rows={5} defaultValue={values.description} />}
        </Field>
        {logo ? (
          <Field
            id="field-logo"
            name="logo"
            label="Logo (optional)"
            hint="A PNG, JPEG or WebP image of at most 2 MiB, ideally square. We show it beside the organisation's entry once approved; it is re-encoded, and anything else in the file is dropped."
            error={logoError}
            focus={!first && !!logoError}
          >
            {(control) => <input {...control} type="file" accept="image/png,image/jpeg,image/webp" />}
          </Field>
        ) : null}
      </section>

      <section className="form-section" aria-labelledby="section-contact">
        <h2 id="section-contact">You, the contact</h2>
        <p className="section-intro">We write to you about this application only. Your name and address are never published.</p>
        {text("contact_name", { autoComplete: "name" })}
        {text("contact_title", { autoComplete: "organization-title" })}
        {text("contact_email", {
          type: "email",
          inputMode: "email",
          autoComplete: "email",
          spellCheck: false,
          hint: "At the website's domain or a subdomain of it (for a website at https://www.example.com: name@example.com or name@mail.example.com). Free e-mail providers are not accepted. We send a link there to confirm the address.",
        })}
      </section>

      <section className="form-section" aria-labelledby="section-pledges">
        <h2 id="section-pledges">Pledges</h2>
        <FieldGroup
          id={idOf("pledges")}
          name="pledges"
          legend="The organisation commits to"
          hint={
            <p>
              Every signatory commits to the accord's four principles: tick each of them to take it on. The later commitments are optional.
            </p>
          }
          error={pledgesError}
        >
          <div className="pledge-group">
            <h3 className="pledge-group-title">The principles (required)</h3>
            {required.map(pledgeBox)}
          </div>
          {optional.length > 0 ? (
            <div className="pledge-group">
              <h3 className="pledge-group-title">Later commitments (optional)</h3>
              {optional.map(pledgeBox)}
            </div>
          ) : null}
        </FieldGroup>
      </section>

      <section className="form-section" aria-labelledby="section-confirm">
        <h2 id="section-confirm">Confirmation</h2>
        <div className={`field${errors.accept ? " field-invalid" : ""}`} data-field="accept">
          <ErrorList id={fieldIds(idOf("accept")).errorId} errors={[errors.accept]} />
          <CheckboxField
            id={idOf("accept")}
            name="accept"
            label="I confirm that I have the authority to commit the organisation to the Cybersecurity Tech Accord."
            defaultChecked={values.accept === "on"}
            invalid={!!errors.accept}
            errorId={fieldIds(idOf("accept")).errorId}
            focus={first === "accept"}
          />
        </div>
      </section>

      {honeypotField ? (
        <div className="form-extra">
          <label htmlFor="form-extra-field">Leave this field empty: it is here to catch automated spam</label>
          <input id="form-extra-field" type="text" name={honeypotField} defaultValue="" tabIndex={-1} autoComplete="off" />
        </div>
      ) : null}

      <p className="form-actions">
        <button type="submit" className="button" disabled={submitting}>
          {submitting ? "Sending…" : submitLabel}
        </button>
      </p>
    </Form>
  );
}
