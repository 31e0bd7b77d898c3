import { diffArrays } from "diff";

/**
 * A line diff of two script versions, by jsdiff (`diffArrays` over lines) with line numbers on
 * each side. Past `maxEdits` differences the part between the common head and tail is shown as
 * removed, then added: two unrelated 256 KiB scripts cost bounded time and memory.
 */

export type DiffLine =
  | { op: "same"; text: string; a: number; b: number }
  | { op: "del"; text: string; a: number }
  | { op: "add"; text: string; b: number };

export type LineDiff = { lines: DiffLine[]; added: number; removed: number; cut: boolean };

/** Lines of a text: `\r\n` or `\n`; a final line break does not start another line. */
export function splitLines(text: string): string[] {
  if (text === "") return [];
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === "") lines.pop();
  return lines;
}

type Part = { op: DiffLine["op"]; lines: string[] };

/** The common head and tail as "same", the middle as all removed then all added. */
function cutParts(a: string[], b: string[]): Part[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  return [
    { op: "same", lines: a.slice(0, head) },
    { op: "del", lines: a.slice(head, a.length - tail) },
    { op: "add", lines: b.slice(head, b.length - tail) },
    { op: "same", lines: a.slice(a.length - tail) },
  ];
}

export function diffLines(before: string, after: string, maxEdits = 4000): LineDiff {
  const a = splitLines(before);
  const b = splitLines(after);
  const changes = diffArrays(a, b, { maxEditLength: maxEdits });
  const cut = changes === undefined;
  const parts: Part[] = cut
    ? cutParts(a, b)
    : changes.map((c) => ({ op: c.added ? "add" : c.removed ? "del" : "same", lines: c.value }));

  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  let added = 0;
  let removed = 0;
  for (const { op, lines: texts } of parts) {
    for (const text of texts) {
      if (op === "same") lines.push({ op, text, a: ++i, b: ++j });
      else if (op === "del") {
        lines.push({ op, text, a: ++i });
        removed++;
      } else {
        lines.push({ op, text, b: ++j });
        added++;
      }
    }
  }
  return { lines, added, removed, cut };
}
