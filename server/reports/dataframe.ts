/**
 * A report table as a template sees it. email_center handed templates `df.to_html(index=False)`
 * strings, so `{{ t }}` must print the HTML table; its README called them DataFrames, so the
 * pandas accessors people use must work too: `to_html(index=False, …)`, `columns`, `shape`,
 * `empty`, `head(n)`, `tail(n)`, `values`, `itertuples(index=False)`, `iterrows()`, `items()`,
 * `to_dict("records")`, `sort_values(by)`, `t["列"]` (a column with `sum()`, `mean()`, `max()`…),
 * `len(t)` / `t|length` (rows).
 *
 * It is a nunjucks SafeString (so autoescaping prints the table rather than its escaped source;
 * cells are escaped inside) whose text is built only when printed. A Proxy answers column names
 * and records any other unknown attribute (`t.colums`) as a warning instead of silently
 * printing nothing.
 */
import nunjucks from "nunjucks";
import { numberOf } from "./cells";
import { type HtmlTableOptions, type Sink, StringSink, writeTableHtml } from "./html";
import { pyArgs } from "./jinja";
import type { ReportTable } from "./table";

export type TableCaps = { maxRows: number; maxCols: number };

export type CapNote = {
  table: ReportTable;
  shownRows: number;
  totalRows: number;
  shownCols: number;
  totalCols: number;
};

export type TemplateWarning =
  | { kind: "undefined"; name: string; line?: number; column?: number }
  | { kind: "attribute"; name: string; table: string }
  | { kind: "column"; name: string; table: string }
  | { kind: "file"; name: string; problem: string }
  | { kind: "truncated"; table: string; keptRows: number; totalRows: number };

export type PrintOptions = Omit<HtmlTableOptions, "cols" | "rows">;

/** `{{ t }}`: what email_center printed, `df.to_html(index=False)`. */
export const DEFAULT_PRINT: PrintOptions = {
  index: false,
  header: true,
  naRep: "",
  classes: [],
  border: 1,
  escape: true,
  showDimensions: false,
};

/** A table printed into a mail body, written out when the mail is assembled. */
export type TablePrint = { frame: DataFrame; options: PrintOptions; cols: readonly number[] };

/** What a render tells its tables. */
export type FrameContext = {
  /** `<%render_html%>`: `{{ t }}` and `to_html()` show at most this much. */
  caps?: TableCaps;
  /** The line under a table that does not show every row or column (HTML, already escaped). */
  note: (n: CapNote) => string;
  warn: (w: TemplateWarning) => void;
  /**
   * While a mail renders, a printed table becomes a short placeholder and its HTML is written
   * straight into the mail's bytes afterwards (render.ts), instead of living as a string
   * inside the template's output. Without it, a table prints its HTML.
   */
  print?: (p: TablePrint) => string;
};

/** Python list habits on arrays: `.tolist()`, `.to_list()`. */
export class PyList<T = unknown> extends Array<T> {
  tolist(): T[] {
    return Array.from(this);
  }
  to_list(): T[] {
    return Array.from(this);
  }
}
Object.defineProperty(PyList.prototype, "values", {
  get(this: PyList) {
    return this;
  },
});

const finite = (xs: readonly unknown[]) => xs.map(numberOf).filter((n) => !Number.isNaN(n));

/** A column (pandas Series): its values, in the view's row order. */
export class Series extends PyList<unknown> {
  name = "";
  static named(name: string, values: unknown[]): Series {
    const s = Series.from(values) as Series;
    s.name = name;
    return s;
  }
  sum(): number {
    return finite(this).reduce((a, b) => a + b, 0);
  }
  mean(): number {
    const xs = finite(this);
    return xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN;
  }
  max(): unknown {
    return this.extreme(1);
  }
  min(): unknown {
    return this.extreme(-1);
  }
  count(): number {
    return this.filter((v) => v !== "" && v !== null && v !== undefined).length;
  }
  unique(): PyList<unknown> {
    const seen = new Set<string>();
    const out = new PyList<unknown>();
    for (const v of this) {
      const k = String(v);
      if (!seen.has(k)) {
        seen.add(k);
        out.push(v);
      }
    }
    return out;
  }
  nunique(): number {
    return this.unique().filter((v) => v !== "").length;
  }
  private extreme(sign: 1 | -1): unknown {
    let best: unknown;
    let bestN = Number.NaN;
    for (const v of this) {
      const n = numberOf(v);
      if (Number.isNaN(n)) continue;
      if (Number.isNaN(bestN) || (sign > 0 ? n > bestN : n < bestN)) {
        best = v;
        bestN = n;
      }
    }
    return best;
  }
}

/** Rows of itertuples / iterrows: positional (`row[3]`) and by column name (`row.金额`, `row["金额"]`). */
function rowClass(columns: readonly string[], offset: number, withIndex: boolean): typeof PyList {
  class Row extends PyList<unknown> {}
  const proto = Row.prototype as unknown as Record<string, unknown>;
  columns.forEach((name, i) => {
    if (name in proto || /^\d+$/.test(name)) return;
    Object.defineProperty(Row.prototype, name, {
      get(this: unknown[]) {
        return this[i + offset];
      },
    });
  });
  if (withIndex) {
    Object.defineProperty(Row.prototype, "Index", {
      get(this: unknown[]) {
        return this[0];
      },
    });
  }
  if (!withIndex) {
    // pandas Series (iterrows) dict habits.
    Object.defineProperty(Row.prototype, "keys", {
      value: () => PyList.from(columns),
    });
    Object.defineProperty(Row.prototype, "items", {
      value(this: unknown[]) {
        return PyList.from(columns.map((c, i) => [c, this[i]]));
      },
    });
    Object.defineProperty(Row.prototype, "get", {
      value(this: unknown[], key: string, def: unknown = null) {
        const i = columns.indexOf(key);
        return i < 0 ? def : this[i];
      },
    });
  }
  return Row;
}

type Rows = { start: number; end: number } | readonly number[];
const rowCountOf = (rows: Rows) =>
  Array.isArray(rows) ? rows.length : (rows as { end: number }).end - (rows as { start: number }).start;
const rowAt = (rows: Rows, i: number) =>
  Array.isArray(rows) ? (rows[i] as number) : (rows as { start: number }).start + i;

const SafeString = nunjucks.runtime.SafeString;

/** Properties JavaScript machinery probes on any object: never "unknown attributes". */
const PROBES = new Set([
  "then",
  "toJSON",
  "__keywords",
  "asymmetricMatch",
  "$$typeof",
  "nodeType",
  "inspect",
]);

const toBool = (v: unknown, def: boolean) => (v === undefined ? def : !!v);

export class DataFrame extends SafeString {
  readonly table: ReportTable;
  readonly ctx: FrameContext;
  readonly rows: Rows;
  readonly cols: readonly number[];

  constructor(table: ReportTable, ctx: FrameContext, rows?: Rows, cols?: readonly number[]) {
    // SafeString would store its text; ours is computed when printed (accessors below).
    super("");
    this.table = table;
    this.ctx = ctx;
    this.rows = rows ?? { start: 0, end: table.rowCount };
    this.cols = cols ?? table.columns.map((_, i) => i);
    // biome-ignore lint/correctness/noConstructorReturn: the Proxy is the object templates see
    return new Proxy(this, FRAME_HANDLER);
  }

  private derive(rows: Rows, cols: readonly number[] = this.cols): DataFrame {
    return new DataFrame(this.table, this.ctx, rows, cols);
  }

  get rowCount(): number {
    return rowCountOf(this.rows);
  }

  /** Rows in the file behind this view (more than `rowCount` when the reader kept only some). */
  get fileRowCount(): number {
    return this.isWhole() ? this.table.totalRows : this.rowCount;
  }

  // ---- pandas attributes ------------------------------------------------------------------
  get columns(): PyList<string> {
    return PyList.from(this.cols.map((c) => this.table.columns[c] as string)) as PyList<string>;
  }
  get shape(): PyList<number> {
    return PyList.from([this.rowCount, this.cols.length]) as PyList<number>;
  }
  get empty(): boolean {
    return this.rowCount === 0 || this.cols.length === 0;
  }
  get size(): number {
    return this.rowCount * this.cols.length;
  }
  get ndim(): number {
    return 2;
  }
  get index(): PyList<number> {
    const out = new PyList<number>();
    for (let i = 0; i < this.rowCount; i++) out.push(rowAt(this.rows, i));
    return out;
  }
  /** Rows as lists of values (numbers as numbers, shown as the sheet shows them). */
  get values(): PyList<PyList<unknown>> {
    const out = new PyList<PyList<unknown>>();
    for (let i = 0; i < this.rowCount; i++) {
      const r = rowAt(this.rows, i);
      const row = new PyList<unknown>();
      for (const c of this.cols) row.push(this.table.valueAt(c, r));
      out.push(row);
    }
    return out;
  }

  // ---- pandas methods ---------------------------------------------------------------------
  __len__(): number {
    return this.rowCount;
  }
  keys(): PyList<string> {
    return this.columns;
  }
  head(...args: unknown[]): DataFrame {
    const { pos, kw } = pyArgs(args);
    const n = Number(kw.n ?? pos[0] ?? 5);
    const count = this.rowCount;
    const take = n < 0 ? Math.max(0, count + n) : Math.min(n, count);
    return this.derive(this.slice(0, take));
  }
  tail(...args: unknown[]): DataFrame {
    const { pos, kw } = pyArgs(args);
    const n = Number(kw.n ?? pos[0] ?? 5);
    const count = this.rowCount;
    const from = n < 0 ? Math.min(count, -n) : Math.max(0, count - n);
    return this.derive(this.slice(from, count));
  }
  itertuples(...args: unknown[]): PyList<PyList<unknown>> {
    const { pos, kw } = pyArgs(args);
    const withIndex = toBool(kw.index ?? pos[0], true);
    const Row = rowClass(this.columns, withIndex ? 1 : 0, withIndex);
    const out = new PyList<PyList<unknown>>();
    for (let i = 0; i < this.rowCount; i++) {
      const r = rowAt(this.rows, i);
      const row = new Row();
      if (withIndex) row.push(r);
      for (const c of this.cols) row.push(this.table.valueAt(c, r));
      out.push(row);
    }
    return out;
  }
  iterrows(): PyList<[number, PyList<unknown>]> {
    const Row = rowClass(this.columns, 0, false);
    const out = new PyList<[number, PyList<unknown>]>();
    for (let i = 0; i < this.rowCount; i++) {
      const r = rowAt(this.rows, i);
      const row = new Row();
      for (const c of this.cols) row.push(this.table.valueAt(c, r));
      out.push([r, row]);
    }
    return out;
  }
  items(): PyList<[string, Series]> {
    return PyList.from(this.cols.map((c) => [this.table.columns[c] as string, this.series(c)])) as PyList<
      [string, Series]
    >;
  }
  iteritems(): PyList<[string, Series]> {
    return this.items();
  }
  get(...args: unknown[]): Series | unknown {
    const { pos, kw } = pyArgs(args);
    const c = this.columnIndex(String(kw.key ?? pos[0]));
    return c < 0 ? (kw.default ?? pos[1] ?? null) : this.series(c);
  }
  to_dict(...args: unknown[]): unknown {
    const { pos, kw } = pyArgs(args);
    const orient = String(kw.orient ?? pos[0] ?? "dict");
    const names = this.columns;
    if (orient === "records") {
      const out = new PyList<Record<string, unknown>>();
      for (let i = 0; i < this.rowCount; i++) {
        const r = rowAt(this.rows, i);
        const rec: Record<string, unknown> = {};
        this.cols.forEach((c, k) => {
          rec[names[k] as string] = this.table.valueAt(c, r);
        });
        out.push(rec);
      }
      return out;
    }
    const out: Record<string, unknown> = {};
    this.cols.forEach((c, k) => {
      const s = this.series(c);
      if (orient === "list") out[names[k] as string] = s;
      else out[names[k] as string] = Object.fromEntries(s.map((v, i) => [rowAt(this.rows, i), v]));
    });
    return out;
  }
  sort_values(...args: unknown[]): DataFrame {
    const { pos, kw } = pyArgs(args);
    const byArg = kw.by ?? pos[0];
    const by = (Array.isArray(byArg) ? byArg : [byArg]).map((b) => this.columnIndex(String(b)));
    const ascArg = kw.ascending ?? pos[2] ?? true;
    const asc = by.map((_, i) => (Array.isArray(ascArg) ? !!ascArg[i] : !!ascArg));
    const idx: number[] = [];
    for (let i = 0; i < this.rowCount; i++) idx.push(rowAt(this.rows, i));
    const keyed = by.filter((c) => c >= 0);
    idx.sort((a, b) => {
      for (let k = 0; k < keyed.length; k++) {
        const c = keyed[k] as number;
        const na = this.table.numberAt(c, a);
        const nb = this.table.numberAt(c, b);
        let d: number;
        if (!Number.isNaN(na) && !Number.isNaN(nb)) d = na - nb;
        else if (Number.isNaN(na) !== Number.isNaN(nb)) d = Number.isNaN(na) ? 1 : -1;
        else d = this.table.textAt(c, a).localeCompare(this.table.textAt(c, b));
        if (d !== 0) return asc[k] ? d : -d;
      }
      return a - b;
    });
    return this.derive(idx);
  }
  /** pandas' to_html, with its keyword arguments (and their positional order). */
  to_html(...args: unknown[]): PrintedTable {
    const { pos, kw } = pyArgs(args);
    const names = [
      "buf",
      "columns",
      "col_space",
      "header",
      "index",
      "na_rep",
      "formatters",
      "float_format",
      "sparsify",
      "index_names",
      "justify",
      "max_rows",
      "max_cols",
      "show_dimensions",
      "decimal",
      "bold_rows",
      "classes",
      "escape",
      "notebook",
      "border",
      "table_id",
    ];
    const a: Record<string, unknown> = {};
    pos.forEach((v, i) => {
      if (names[i]) a[names[i] as string] = v;
    });
    Object.assign(a, kw);
    let cols = this.cols;
    if (Array.isArray(a.columns)) {
      cols = (a.columns as unknown[]).map((n) => this.columnIndex(String(n))).filter((c) => c >= 0);
    }
    const classes =
      a.classes == null
        ? []
        : Array.isArray(a.classes)
          ? a.classes.map(String)
          : String(a.classes).split(/\s+/);
    const border =
      a.border === undefined || a.border === null || a.border === true
        ? 1
        : a.border
          ? Number(a.border)
          : null;
    return new PrintedTable(
      this,
      {
        index: toBool(a.index, true),
        header: toBool(a.header, true),
        naRep: a.na_rep == null ? "" : String(a.na_rep),
        classes: classes.filter(Boolean),
        border,
        tableId: a.table_id == null ? undefined : String(a.table_id),
        justify: a.justify == null ? undefined : String(a.justify),
        escape: toBool(a.escape, true),
        maxRows: a.max_rows == null ? undefined : Number(a.max_rows),
        maxCols: a.max_cols == null ? undefined : Number(a.max_cols),
        showDimensions: toBool(a.show_dimensions, false),
      },
      cols,
    );
  }

  // ---- printing ---------------------------------------------------------------------------
  /** The table as HTML, capped by `<%render_html%>`, with a note when rows or columns are left out. */
  writeHtml(sink: Sink, o: PrintOptions = DEFAULT_PRINT, cols: readonly number[] = this.cols): void {
    const caps = this.ctx.caps;
    let rows = this.rows;
    let shownCols = cols;
    // <%render_html%> caps apply unless the template asked for its own truncation.
    if (caps && o.maxRows === undefined && this.rowCount > caps.maxRows) rows = this.slice(0, caps.maxRows);
    if (caps && o.maxCols === undefined && cols.length > caps.maxCols)
      shownCols = cols.slice(0, caps.maxCols);
    writeTableHtml(this.table, { ...o, cols: shownCols, rows }, sink);
    const totalRows = this.isWhole() ? this.table.totalRows : this.rowCount;
    const shownRows = o.maxRows === undefined ? rowCountOf(rows) : totalRows;
    if (shownRows < totalRows || shownCols.length < cols.length) {
      sink.write(
        this.ctx.note({
          table: this.table,
          shownRows,
          totalRows,
          shownCols: shownCols.length,
          totalCols: cols.length,
        }),
      );
    }
  }

  /** The first rows' cell texts (with the header and index as printed), for the mail's text part. */
  cellTexts(
    maxRows: number,
    o: PrintOptions = DEFAULT_PRINT,
    cols: readonly number[] = this.cols,
  ): string[][] {
    const caps = this.ctx.caps;
    const shownCols = caps && o.maxCols === undefined ? cols.slice(0, caps.maxCols) : cols;
    const out: string[][] = [];
    if (o.header)
      out.push([...(o.index ? [""] : []), ...shownCols.map((c) => this.table.columns[c] as string)]);
    const n = Math.min(maxRows, this.rowCount);
    for (let i = 0; i < n; i++) {
      const r = rowAt(this.rows, i);
      out.push([...(o.index ? [String(r)] : []), ...shownCols.map((c) => this.table.textAt(c, r))]);
    }
    return out;
  }

  /** Bytes the HTML will take, from its first rows (to size the mail's buffer once). */
  estimateHtmlBytes(o: PrintOptions = DEFAULT_PRINT, cols: readonly number[] = this.cols): number {
    const caps = this.ctx.caps;
    const rows = caps && o.maxRows === undefined ? Math.min(this.rowCount, caps.maxRows) : this.rowCount;
    const sample = Math.min(rows, 200);
    const head = Buffer.byteLength(this.head(sample).htmlString(o, cols));
    return sample ? (head / sample) * rows * 1.05 + 1024 : head;
  }

  htmlString(o: PrintOptions = DEFAULT_PRINT, cols: readonly number[] = this.cols): string {
    const sink = new StringSink();
    this.writeHtml(sink, o, cols);
    return sink.toString();
  }

  /** `{{ t }}` in a mail: a placeholder for the table; elsewhere its HTML. */
  printed(o: PrintOptions = DEFAULT_PRINT, cols: readonly number[] = this.cols): string {
    return this.ctx.print ? this.ctx.print({ frame: this, options: o, cols }) : this.htmlString(o, cols);
  }

  /** The view is the whole table as read (so the file's uncounted rows belong to it). */
  private isWhole(): boolean {
    return (
      !Array.isArray(this.rows) &&
      (this.rows as { start: number }).start === 0 &&
      rowCountOf(this.rows) === this.table.rowCount
    );
  }

  private slice(from: number, to: number): Rows {
    if (Array.isArray(this.rows)) return (this.rows as number[]).slice(from, to);
    const start = (this.rows as { start: number }).start;
    return { start: start + from, end: start + to };
  }

  columnIndex(name: string): number {
    const i = this.table.columns.indexOf(name);
    return this.cols.includes(i) ? i : -1;
  }

  series(c: number): Series {
    const values: unknown[] = [];
    for (let i = 0; i < this.rowCount; i++) values.push(this.table.valueAt(c, rowAt(this.rows, i)));
    return Series.named(this.table.columns[c] as string, values);
  }

  *[Symbol.iterator](): Iterator<string> {
    // Iterating a DataFrame gives its column names, as in pandas.
    yield* this.columns;
  }
}

// Computed SafeString fields (defined here: TypeScript will not let accessors override fields).
// `valueOf` is what nunjucks' output (`output += value`) and `~` use: the placeholder while a mail
// renders. `toString` is what string filters use (`|replace`, `|upper`): the HTML itself.
Object.defineProperties(DataFrame.prototype, {
  val: {
    get(this: DataFrame) {
      return this.htmlString();
    },
    set() {},
  },
  length: {
    get(this: DataFrame) {
      return this.rowCount;
    },
    set() {},
  },
  valueOf: {
    value(this: DataFrame) {
      return this.printed();
    },
  },
  toString: {
    value(this: DataFrame) {
      return this.htmlString();
    },
  },
  [Symbol.toStringTag]: { value: "DataFrame" },
});

/** What `t.to_html(…)` returns: printable like `{{ t }}`, a string of HTML to string filters. */
export class PrintedTable extends SafeString {
  constructor(
    readonly frame: DataFrame,
    readonly options: PrintOptions,
    readonly cols: readonly number[],
  ) {
    super("");
  }
}
Object.defineProperties(PrintedTable.prototype, {
  val: {
    get(this: PrintedTable) {
      return this.frame.htmlString(this.options, this.cols);
    },
    set() {},
  },
  length: {
    get(this: PrintedTable) {
      return this.frame.htmlString(this.options, this.cols).length;
    },
    set() {},
  },
  valueOf: {
    value(this: PrintedTable) {
      return this.frame.printed(this.options, this.cols);
    },
  },
  toString: {
    value(this: PrintedTable) {
      return this.frame.htmlString(this.options, this.cols);
    },
  },
});

const FRAME_HANDLER: ProxyHandler<DataFrame> = {
  get(target, prop) {
    if (typeof prop !== "string" || prop in target) return Reflect.get(target, prop, target);
    const c = target.columnIndex(prop);
    if (c >= 0) return target.series(c);
    if (!PROBES.has(prop)) {
      target.ctx.warn(
        target.table.columns.includes(prop)
          ? { kind: "column", name: prop, table: target.table.name }
          : { kind: "attribute", name: prop, table: target.table.name },
      );
    }
    return undefined;
  },
};
