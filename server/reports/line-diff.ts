/**
 * A line diff of two script versions (Myers' O(ND) algorithm on lines, after trimming the
 * common head and tail). No package here did this (`diff` is not installed), and the whole
 * algorithm is forty lines. Past `maxEdits` differences the middle is shown as removed, then
 * added: two unrelated 256 KiB scripts cost bounded time and memory.
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

type Op = "same" | "del" | "add";

/** The shortest edit script of a → b, or null past maxEdits differences. */
function myers(a: readonly string[], b: readonly string[], maxEdits: number): Op[] | null {
  const n = a.length;
  const m = b.length;
  const limit = Math.min(n + m, maxEdits);
  // v[k] = furthest x on diagonal k; each round's v is kept (only its -d-1..d+1 part) to walk back.
  const trace: Int32Array[] = [];
  let v = new Int32Array(3);
  v[1 + 1] = 0; // k = 1 (index k + d + 1 with d = 0)
  for (let d = 0; d <= limit; d++) {
    const next = new Int32Array(2 * d + 3);
    const at = (arr: Int32Array, dd: number, k: number) => arr[k + dd + 1] ?? 0;
    for (let k = -d; k <= d; k += 2) {
      const down = k === -d || (k !== d && at(v, d - 1, k - 1) < at(v, d - 1, k + 1));
      let x = down ? at(v, d - 1, k + 1) : at(v, d - 1, k - 1) + 1;
      if (d === 0) x = 0;
      let y = x - k;
      while (x < n && y < m && a[x] === b[y]) {
        x++;
        y++;
      }
      next[k + d + 1] = x;
      if (x >= n && y >= m) {
        trace.push(next);
        return backtrack(trace, n, m);
      }
    }
    trace.push(next);
    v = next;
  }
  return null;
}

function backtrack(trace: Int32Array[], n: number, m: number): Op[] {
  const ops: Op[] = [];
  const at = (arr: Int32Array | undefined, d: number, k: number) => arr?.[k + d + 1] ?? 0;
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d >= 0; d--) {
    const k = x - y;
    let prevX = 0;
    let prevY = 0;
    if (d > 0) {
      const prev = trace[d - 1];
      const down = k === -d || (k !== d && at(prev, d - 1, k - 1) < at(prev, d - 1, k + 1));
      const prevK = down ? k + 1 : k - 1;
      prevX = at(prev, d - 1, prevK);
      prevY = prevX - prevK;
    }
    while (x > prevX && y > prevY) {
      ops.push("same");
      x--;
      y--;
    }
    if (d > 0) ops.push(x === prevX ? "add" : "del");
    x = prevX;
    y = prevY;
  }
  return ops.reverse();
}

export function diffLines(before: string, after: string, maxEdits = 4000): LineDiff {
  const a = splitLines(before);
  const b = splitLines(after);
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  let ops = myers(midA, midB, maxEdits);
  const cut = ops === null;
  ops ??= [...midA.map((): Op => "del"), ...midB.map((): Op => "add")];
  const all: Op[] = [...Array<Op>(head).fill("same"), ...ops, ...Array<Op>(tail).fill("same")];

  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  let added = 0;
  let removed = 0;
  for (const op of all) {
    if (op === "same") {
      lines.push({ op, text: a[i] ?? "", a: i + 1, b: j + 1 });
      i++;
      j++;
    } else if (op === "del") {
      lines.push({ op, text: a[i] ?? "", a: i + 1 });
      i++;
      removed++;
    } else {
      lines.push({ op, text: b[j] ?? "", b: j + 1 });
      j++;
      added++;
    }
  }
  return { lines, added, removed, cut };
}
