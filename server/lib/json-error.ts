/**
 * Where and why a text is not JSON, as a catalog message: JSON.parse's own sentence is V8's
 * English (and names no position for some errors on Node 20), so the text is scanned again by
 * jsonc-parser in strict mode, which reports the first error's offset and kind.
 */
import { type ParseError, parse, printParseErrorCode } from "jsonc-parser";
import { type ErrorKey, type Msg, msg } from "../i18n/errors";
import { lineColumn } from "./line-column";

const REASONS: Partial<Record<ReturnType<typeof printParseErrorCode>, ErrorKey>> = {
  InvalidSymbol: "json.symbol",
  InvalidNumberFormat: "json.number",
  UnexpectedEndOfNumber: "json.number",
  PropertyNameExpected: "json.propertyName",
  ValueExpected: "json.value",
  ColonExpected: "json.colon",
  CommaExpected: "json.comma",
  CloseBraceExpected: "json.closeBrace",
  CloseBracketExpected: "json.closeBracket",
  EndOfFileExpected: "json.endOfFile",
  InvalidCommentToken: "json.comment",
  UnexpectedEndOfComment: "json.comment",
  UnexpectedEndOfString: "json.unclosedString",
  InvalidUnicode: "json.escape",
  InvalidEscapeCharacter: "json.escape",
  InvalidCharacter: "json.character",
};

/**
 * Why `text` (which JSON.parse refused) is not JSON: `errors.json.at` with line, column and
 * reason; `errors.json.invalid` when the strict scan finds nothing to point at.
 */
export function jsonErrorMsg(text: string): Msg {
  const errors: ParseError[] = [];
  parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  const first = errors.sort((a, b) => a.offset - b.offset)[0];
  const reason = first && REASONS[printParseErrorCode(first.error)];
  if (!first || !reason) return msg("json.invalid");
  return msg("json.at", { ...lineColumn(text, first.offset), reason: msg(reason) });
}
