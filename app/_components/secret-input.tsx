import type { ComponentProps } from "react";
import { Input } from "./ui";

/**
 * A write-only secret: typed in, never shown back. The server never sends a stored secret, so
 * the value is only what the person types now; a password box keeps it off the screen, and
 * "new-password" keeps the browser from filling in the person's own saved login.
 */
export function SecretInput(props: Omit<ComponentProps<typeof Input>, "type" | "autoComplete">) {
  return <Input {...props} type="password" autoComplete="new-password" />;
}
