import type { ComponentProps, ReactNode } from "react";
import { cx, Field, Input, Select, Textarea } from "./ui";

type FieldProps = {
  id: string;
  label: ReactNode;
  hint?: ReactNode;
  /** The field's messages from the server (fieldErrorsOf): shown under it, and mark it invalid. */
  errors?: string[] | undefined;
  /** On the wrapper, e.g. a grid span. */
  className?: string;
  /** On the control itself, e.g. a monospace font. */
  controlClassName?: string;
};

/**
 * Label, control and error in one: the control gets the id, aria-invalid and
 * aria-describedby pointing at its error, so no form wires these by hand.
 */
function wired(id: string, errors: string[] | undefined, className: string | undefined) {
  const invalid = !!errors?.length;
  return { id, invalid, className, "aria-describedby": invalid ? `${id}-error` : undefined };
}

export function TextField({
  id,
  label,
  hint,
  errors,
  className,
  controlClassName,
  ...input
}: FieldProps & Omit<ComponentProps<"input">, "id">) {
  return (
    <div className={className}>
      <Field label={label} htmlFor={id} hint={hint} errors={errors}>
        <Input {...input} {...wired(id, errors, controlClassName)} />
      </Field>
    </div>
  );
}

export function TextAreaField({
  id,
  label,
  hint,
  errors,
  className,
  controlClassName,
  ...input
}: FieldProps & Omit<ComponentProps<"textarea">, "id">) {
  return (
    <div className={className}>
      <Field label={label} htmlFor={id} hint={hint} errors={errors}>
        <Textarea {...input} {...wired(id, errors, controlClassName)} />
      </Field>
    </div>
  );
}

export type Choice = { value: string; label: ReactNode };

export function SelectField({
  id,
  label,
  hint,
  errors,
  className,
  controlClassName,
  options,
  ...select
}: FieldProps & Omit<ComponentProps<"select">, "id" | "children"> & { options: readonly Choice[] }) {
  return (
    <div className={className}>
      <Field label={label} htmlFor={id} hint={hint} errors={errors}>
        <Select {...select} {...wired(id, errors, controlClassName)}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </Select>
      </Field>
    </div>
  );
}

export function CheckboxField({
  id,
  label,
  className,
  ...input
}: Omit<FieldProps, "hint" | "errors" | "controlClassName"> & Omit<ComponentProps<"input">, "id" | "type">) {
  return (
    <label htmlFor={id} className={cx("flex min-h-11 items-center gap-2 text-sm", className)}>
      <input id={id} type="checkbox" className="size-5" {...input} />
      {label}
    </label>
  );
}
