import { useState } from "react";

/**
 * A textarea of `key<sep>value` lines edited as text: what was typed stays (a half-typed line
 * has no separator yet) while the parsed pairs follow every keystroke.
 */
export function useLineText(
  initial: [string, string][],
  sep: ":" | "=",
  onPairs: (pairs: [string, string][]) => void,
) {
  const [text, setText] = useState(() =>
    initial.map(([k, v]) => `${k}${sep}${sep === ":" ? " " : ""}${v}`).join("\n"),
  );
  const onChange = (next: string) => {
    setText(next);
    onPairs(
      next
        .split("\n")
        .filter((l) => l.includes(sep))
        .map((l): [string, string] => {
          const at = l.indexOf(sep);
          const value = l.slice(at + 1);
          return [l.slice(0, at).trim(), sep === ":" ? value.trim() : value];
        }),
    );
  };
  return { text, onChange };
}
