import stringWidth from "string-width";

/** Terminal columns a string takes (中文 and emoji take two), for aligned text tables. */
export function displayWidth(s: string): number {
  return stringWidth(s);
}
