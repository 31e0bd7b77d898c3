"use client";
import { useState } from "react";
import { cx } from "./ui";

/**
 * One line of text cut with an ellipsis where it does not fit (names, cron expressions, mail
 * subjects): the full text shows on hover (title) and, where the text is not inside a link, on
 * a tap, which unfolds it in place (phones have no hover).
 */
export function Clip({
  text,
  className,
  mono,
  tap = true,
}: {
  text: string;
  className?: string;
  mono?: boolean;
  /** Off inside links: there a tap opens the page that shows the whole text. */
  tap?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const cls = cx(
    "inline-block min-w-0 align-bottom",
    // A width given by the caller wins (two max-w classes would tie on the stylesheet's order).
    !className?.includes("max-w-") && "max-w-full",
    open ? "break-all whitespace-normal" : "truncate whitespace-nowrap",
    mono && "font-mono text-xs",
    className,
  );
  if (!tap)
    return (
      <span title={text} className={cls}>
        {text}
      </span>
    );
  return (
    <button
      type="button"
      title={text}
      aria-expanded={open}
      data-clip=""
      className={cx(cls, "cursor-pointer text-left")}
      onClick={(e) => {
        e.preventDefault();
        e.stopPropagation();
        setOpen((o) => !o);
      }}
    >
      {text}
    </button>
  );
}
