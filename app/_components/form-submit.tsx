import type { ReactNode } from "react";
import { formErrorOf } from "./form-errors";
import { Alert, Button } from "./ui";

/**
 * A form's closing row: the save's error that is about no one field (field errors stand under
 * their fields), then the submit button, held while the save runs; `children` follow the button
 * (e.g. a cancel button).
 */
export function SubmitRow({
  mutation,
  label,
  className,
  children,
}: {
  mutation: { error: unknown; isPending: boolean };
  label: ReactNode;
  className?: string;
  children?: ReactNode;
}) {
  const message = formErrorOf(mutation.error);
  return (
    <div className={className}>
      {message && <Alert>{message}</Alert>}
      <Button type="submit" disabled={mutation.isPending}>
        {label}
      </Button>
      {children}
    </div>
  );
}
