/**
 * WeChat's callback XML is one flat `<xml>` element of text children, each either CDATA or
 * plain text: that, and only that, is read here (no entities beyond the five XML ones, no
 * attributes, no nesting), so nothing in a message can make the reader fetch or expand.
 */
const FIELD = /<([A-Za-z][A-Za-z0-9_]*)>(?:<!\[CDATA\[([\s\S]*?)\]\]>|([^<]*))<\/\1>/g;
const ENTITIES: Record<string, string> = {
  "&lt;": "<",
  "&gt;": ">",
  "&amp;": "&",
  "&quot;": '"',
  "&apos;": "'",
};

export function readXml(xml: string): Record<string, string> {
  const body = /<xml>([\s\S]*)<\/xml>/.exec(xml)?.[1];
  if (body === undefined) throw new Error("not a WeChat XML message");
  const out: Record<string, string> = {};
  for (const m of body.matchAll(FIELD)) {
    const name = m[1] as string;
    out[name] = m[2] ?? (m[3] ?? "").replace(/&(lt|gt|amp|quot|apos);/g, (e) => ENTITIES[e] ?? e);
  }
  return out;
}

const cdata = (v: string) => `<![CDATA[${v.replaceAll("]]>", "]]]]><![CDATA[>")}]]>`;

/** `<xml>` with each field as CDATA (numbers as plain text, as WeChat writes CreateTime). */
export function writeXml(fields: Record<string, string | number>): string {
  const inner = Object.entries(fields)
    .map(([k, v]) => `<${k}>${typeof v === "number" ? v : cdata(v)}</${k}>`)
    .join("");
  return `<xml>${inner}</xml>`;
}
