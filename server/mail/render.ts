import { render } from "@react-email/render";
import type { ReactElement } from "react";

/** A React Email element → the HTML and plain-text bodies stored in the outbox. */
export async function renderEmail(element: ReactElement): Promise<{ html: string; text: string }> {
  const [html, text] = await Promise.all([render(element), render(element, { plainText: true })]);
  return { html, text };
}
