// Form fields with their accessibility wiring done once: a label, an optional hint, the
// error message above the control, and on the control `aria-invalid` and an
// `aria-describedby` naming the error and the hint. Presentational only: the route
// decides the messages (from its zod schema) and the values.
import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";

/** What a control needs to be tied to its label, hint and error. */
interface ControlProps {
  id: string;
  name: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
  autoFocus: true | undefined;
}

export function fieldIds(id: string) {
  return { errorId: `${id}-error`, hintId: `${id}-hint` };
}

function describedBy(...ids: (string | false | null | undefined)[]): string | undefined {
  return ids.filter(Boolean).join(" ") || undefined;
}

/** The messages of one field; "Error:" is spoken before each, not shown. */
export function ErrorList({ id, errors }: { id: string; errors: readonly (string | null | undefined)[] }) {
  const shown = errors.filter((e): e is string => !!e);
  if (shown.length === 0) return null;
  return (
    <div id={id} className="field-error">
      {shown.map((error) => (
        <p key={error}>
          <span className="visually-hidden">Error: </span>
          {error}
        </p>
      ))}
    </div>
  );
}

interface FieldProps {
  id: string;
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  /** Put the focus here when the page loads (the first wrong field, without JavaScript). */
  focus?: boolean;
  className?: string;
  /** Renders the control with the props that wire it up. */
  children: (control: ControlProps) => ReactNode;
}

/** A labelled control: <Field …>{(control) => <input type="text" {...control} />}</Field> */
export function Field({ id, name, label, hint, error, focus, className, children }: FieldProps) {
  const { errorId, hintId } = fieldIds(id);
  return (
    <div className={["field", error ? "field-invalid" : "", className ?? ""].filter(Boolean).join(" ")} data-field={name}>
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={hintId} className="field-hint">
          {hint}
        </p>
      ) : null}
      <ErrorList id={errorId} errors={[error]} />
      {children({
        id,
        name,
        "aria-invalid": error ? true : undefined,
        "aria-describedby": describedBy(error && errorId, hint ? hintId : null),
        autoFocus: focus && error ? true : undefined,
      })}
    </div>
  );
}

interface FieldGroupProps {
  id: string;
  name: string;
  legend: ReactNode;
  hint?: ReactNode;
  error?: string | null;
  className?: string;
  children: ReactNode;
}

/** A fieldset of checkboxes (or radios) with one hint and one error for the group. */
export function FieldGroup({ id, name, legend, hint, error, className, children }: FieldGroupProps) {
  const { errorId, hintId } = fieldIds(id);
  return (
    <fieldset
      id={id}
      className={["field-group", error ? "field-invalid" : "", className ?? ""].filter(Boolean).join(" ")}
      data-field={name}
      aria-describedby={describedBy(error && errorId, hint ? hintId : null)}
    >
      <legend>{legend}</legend>
      {hint ? (
        <div id={hintId} className="field-hint">
          {hint}
        </div>
      ) : null}
      <ErrorList id={errorId} errors={[error]} />
      {children}
    </fieldset>
  );
}

interface CheckboxFieldProps {
  id: string;
  name: string;
  value?: string;
  label: ReactNode;
  /** More words under the label, tied to the box. */
  description?: ReactNode;
  defaultChecked?: boolean;
  /** Marks this box as wrong; `errorId` names the message (its own or its group's). */
  invalid?: boolean;
  errorId?: string;
  focus?: boolean;
}

export function CheckboxField({ id, name, value = "on", label, description, defaultChecked, invalid, errorId, focus }: CheckboxFieldProps) {
  const descriptionId = `${id}-description`;
  return (
    <div className="checkbox">
      <input
        type="checkbox"
        id={id}
        name={name}
        value={value}
        defaultChecked={defaultChecked}
        aria-invalid={invalid ? true : undefined}
        aria-describedby={describedBy(invalid && errorId, description ? descriptionId : null)}
        autoFocus={focus && invalid ? true : undefined}
      />
      <div>
        <label htmlFor={id}>{label}</label>
        {description ? (
          <p id={descriptionId} className="checkbox-description">
            {description}
          </p>
        ) : null}
      </div>
    </div>
  );
}

/** What the simple controls below take besides their element's own attributes. */
interface SimpleFieldProps {
  name: string;
  label: ReactNode;
  error?: string | null;
  hint?: ReactNode;
  /** Defaults to `field-<name>`. */
  id?: string;
}

export function TextField({ name, label, error, hint, id, ...input }: SimpleFieldProps & InputHTMLAttributes<HTMLInputElement>) {
  return (
    <Field id={id ?? `field-${name}`} name={name} label={label} error={error} hint={hint}>
      {(control) => <input type="text" {...control} {...input} />}
    </Field>
  );
}

export function TextArea({ name, label, error, hint, id, ...input }: SimpleFieldProps & TextareaHTMLAttributes<HTMLTextAreaElement>) {
  return (
    <Field id={id ?? `field-${name}`} name={name} label={label} error={error} hint={hint}>
      {(control) => <textarea rows={4} {...control} {...input} />}
    </Field>
  );
}

export function SelectField({
  name,
  label,
  error,
  hint,
  id,
  options,
  ...select
}: SimpleFieldProps & SelectHTMLAttributes<HTMLSelectElement> & { options: { value: string; label: string }[] }) {
  return (
    <Field id={id ?? `field-${name}`} name={name} label={label} error={error} hint={hint}>
      {(control) => (
        <select {...control} {...select}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}
