import Link from "next/link";
import type { ReactNode } from "react";
import { cx } from "./ui";

export type Column<T> = {
  key: string;
  header: ReactNode;
  cell: (row: T) => ReactNode;
  /** Shown as the card title on phones. */
  primary?: boolean;
  className?: string;
  /** Hidden on phones (the card would be too long). */
  desktopOnly?: boolean;
  /** Only on wide screens (≥ 1536 px): a secondary column that would push the table sideways. */
  wideOnly?: boolean;
};

/**
 * A table on wide screens, a list of cards on phones: every column stays readable at 390 px
 * without sideways scrolling.
 */
export function DataList<T>({
  rows,
  columns,
  rowKey,
  rowHref,
}: {
  rows: T[];
  columns: Column<T>[];
  rowKey: (row: T) => string | number;
  rowHref?: (row: T) => string;
}) {
  const primary = columns.find((c) => c.primary) ?? columns[0];
  const rest = columns.filter((c) => c !== primary && !c.desktopOnly);
  return (
    <>
      <div className="hidden overflow-x-auto rounded-xl bg-white shadow-sm ring-1 ring-gray-200 md:block dark:bg-gray-900 dark:ring-gray-800">
        <table className="min-w-full divide-y divide-gray-200 text-sm dark:divide-gray-800">
          <thead className="bg-gray-50 dark:bg-gray-800/50">
            <tr>
              {columns.map((c) => (
                <th
                  key={c.key}
                  scope="col"
                  className={cx(
                    "whitespace-nowrap px-3 py-3 text-left font-medium text-gray-600 dark:text-gray-300",
                    c.wideOnly && "hidden 2xl:table-cell",
                    c.className,
                  )}
                >
                  {c.header}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-gray-100 dark:divide-gray-800">
            {rows.map((row) => (
              <tr key={rowKey(row)} className="hover:bg-gray-50 dark:hover:bg-gray-800/40">
                {columns.map((c) => (
                  <td
                    key={c.key}
                    className={cx("px-3 py-3 align-top", c.wideOnly && "hidden 2xl:table-cell", c.className)}
                  >
                    {c === primary && rowHref ? (
                      <Link
                        href={rowHref(row)}
                        className="font-medium text-indigo-700 hover:underline dark:text-indigo-300"
                      >
                        {c.cell(row)}
                      </Link>
                    ) : (
                      c.cell(row)
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ul className="space-y-2 md:hidden">
        {rows.map((row) => (
          <li
            key={rowKey(row)}
            className="rounded-xl bg-white p-4 shadow-sm ring-1 ring-gray-200 dark:bg-gray-900 dark:ring-gray-800"
          >
            {/* Only the title is the link: cards may hold buttons, which must not nest in a link. */}
            {rowHref ? (
              <Link
                href={rowHref(row)}
                className="-m-2 flex min-h-11 items-center rounded-lg p-2 font-medium break-words text-indigo-700 active:bg-gray-50 dark:text-indigo-300 dark:active:bg-gray-800"
              >
                {primary?.cell(row)}
              </Link>
            ) : (
              <div className="font-medium break-words">{primary?.cell(row)}</div>
            )}
            <dl className="mt-2 grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
              {rest.map((c) => (
                <div key={c.key} className="contents">
                  <dt className="text-gray-500 dark:text-gray-400">{c.header}</dt>
                  <dd className="min-w-0 break-words">{c.cell(row)}</dd>
                </div>
              ))}
            </dl>
          </li>
        ))}
      </ul>
    </>
  );
}
