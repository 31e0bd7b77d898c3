/** One changed value between an audit row's before and after, by its JSON path (`params.url`). */
export type DiffLine = {
  path: string;
  kind: "added" | "removed" | "changed";
  before?: unknown;
  after?: unknown;
};

function flatten(value: unknown, prefix: string, out: Map<string, unknown>) {
  if (value && typeof value === "object" && !Array.isArray(value) && Object.keys(value).length) {
    for (const [k, v] of Object.entries(value)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
  } else if (Array.isArray(value) && value.length && value.some((v) => v && typeof v === "object")) {
    value.forEach((v, i) => {
      flatten(v, `${prefix}[${i}]`, out);
    });
  } else {
    out.set(prefix, value);
  }
  return out;
}

/** What changed, leaf by leaf; arrays of plain values compare as one value. */
export function diffRecords(before: unknown, after: unknown): DiffLine[] {
  const a = before == null ? new Map<string, unknown>() : flatten(before, "", new Map());
  const b = after == null ? new Map<string, unknown>() : flatten(after, "", new Map());
  const lines: DiffLine[] = [];
  for (const path of [...new Set([...a.keys(), ...b.keys()])].sort()) {
    const inA = a.has(path);
    const inB = b.has(path);
    const x = a.get(path);
    const y = b.get(path);
    if (inA && !inB) lines.push({ path, kind: "removed", before: x });
    else if (!inA && inB) lines.push({ path, kind: "added", after: y });
    else if (JSON.stringify(x) !== JSON.stringify(y))
      lines.push({ path, kind: "changed", before: x, after: y });
  }
  return lines;
}
