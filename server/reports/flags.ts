/**
 * Body flags, as email_center's body editor offered them: markers at the very start of the body
 * (blank lines before them allowed; anywhere else they are ordinary text).
 *
 * - `<%no_email%>`      run the job without mailing (failures are still mailed).
 * - `<%render_html%>`   render the report tables into the body, capped in rows and columns,
 *                       with a line saying the rest is in the attachment.
 * - `<%custom_render%>` the body is a page: `{% block title %}` and `{% block body %}`; text
 *                       outside the blocks is not shown.
 */
export const BODY_FLAGS = ["no_email", "render_html", "custom_render"] as const;
export type BodyFlag = (typeof BODY_FLAGS)[number];

export type ParsedBody = {
  flags: BodyFlag[];
  /**
   * The body without its flags, each flag replaced by spaces so that line and column numbers
   * in template errors still point into the body as the user wrote it.
   */
  template: string;
};

const LEADING_FLAG = /^(\s*)<%\s*([a-z_]+)\s*%>/;

export function parseBodyFlags(body: string): ParsedBody {
  const flags: BodyFlag[] = [];
  let rest = body;
  let consumed = "";
  for (;;) {
    const m = LEADING_FLAG.exec(rest);
    if (!m || !(BODY_FLAGS as readonly string[]).includes(m[2] as string)) break;
    const flag = m[2] as BodyFlag;
    if (!flags.includes(flag)) flags.push(flag);
    consumed += (m[1] as string) + " ".repeat(m[0].length - (m[1] as string).length);
    rest = rest.slice(m[0].length);
  }
  return { flags, template: consumed + rest };
}

/** The flags written back in front of a body (for editors that toggle them). */
export function withBodyFlags(flags: readonly BodyFlag[], template: string): string {
  const head = BODY_FLAGS.filter((f) => flags.includes(f))
    .map((f) => `<%${f}%>`)
    .join("");
  return head ? `${head}\n${template.replace(/^\s+/, "")}` : template;
}
