/**
 * nunjucks' parse (and common render) errors as catalog messages (issue 10): its sentences are English and name
 * internals ("parseAggregate: expected comma after expression"), so each known shape maps to a
 * message in the reader's language with the offending token as a parameter; a sentence not
 * known here is shown labelled as the parser's own words.
 */
import { type ErrorKey, type Msg, type MsgParams, msg } from "../i18n/errors";

/** What the lexer's token types look like in a template, to name them as written. */
const TOKEN_TEXT: Record<string, string> = {
  "variable-start": "{{",
  "variable-end": "}}",
  "block-start": "{%",
  "block-end": "%}",
  "comment-start": "{#",
  "comment-end": "#}",
  "left-paren": "(",
  "right-paren": ")",
  "left-bracket": "[",
  "right-bracket": "]",
  "left-curly": "{",
  "right-curly": "}",
  comma: ",",
  colon: ":",
  tilde: "~",
  pipe: "|",
};

/** A token type as the reader sees it: its text, or "a name" / "text" / "a number". */
function token(type: string): string | Msg {
  if (TOKEN_TEXT[type]) return `“${TOKEN_TEXT[type]}”`;
  if (type === "symbol") return msg("templateParse.token.name");
  if (type === "string") return msg("templateParse.token.string");
  if (type === "int" || type === "float") return msg("templateParse.token.number");
  return type;
}

const END_OF_FILE =
  /^(unexpected end of file|expected expression, got end of file|parseIf: expected elif, else, or endif, got end of file|parseBlock: expected endblock, got end of file|parseSwitch: expected "case," "default" or "endswitch," got EOF\.)$/;

const SHAPES: [RegExp, ErrorKey, (m: RegExpExecArray) => MsgParams][] = [
  [/^\{% (\w+) %\} is never closed/, "templateParse.unclosed", (m) => ({ tag: m[1] ?? "" })],
  [/^unknown block tag: (end\w+|else|elif|elseif)$/, "templateParse.stray", (m) => ({ tag: m[1] ?? "" })],
  [/^unknown block tag: (.+)$/, "templateParse.unknownTag", (m) => ({ tag: m[1] ?? "" })],
  [/^expected variable end$/, "templateParse.variableEnd", () => ({})],
  [/^expected block end in (\S+) statement$/, "templateParse.blockEnd", (m) => ({ tag: m[1] ?? "" })],
  [/^expected end of comment, got end of file$/, "templateParse.commentEnd", () => ({})],
  [/^unexpected end of comment$/, "templateParse.strayCommentEnd", () => ({})],
  [END_OF_FILE, "templateParse.endOfFile", () => ({})],
  [/^unexpected token: (.+)$/s, "templateParse.unexpected", (m) => ({ token: m[1] ?? "" })],
  [
    /^Unexpected token at top-level: (\S+)$/,
    "templateParse.unexpected",
    (m) => ({ token: token(m[1] ?? "") }),
  ],
  [
    /^expected (\S+), got (\S+)$/,
    "templateParse.expectedGot",
    (m) => ({ expected: token(m[1] ?? ""), got: token(m[2] ?? "") }),
  ],
  [/^expected name as lookup value, got (.+)$/s, "templateParse.lookupName", (m) => ({ token: m[1] ?? "" })],
  [/^parseFor: expected "in" keyword for loop$/, "templateParse.forIn", () => ({})],
  [/^parseFor: variable name expected for loop$/, "templateParse.forVariable", () => ({})],
  [/^parse\w+: expected comma after expression$/, "templateParse.comma", () => ({})],
  [/^parseAggregate: expected colon after dict key$/, "templateParse.colon", () => ({})],
  [/^parseImport: expected "as" keyword$/, "templateParse.importAs", () => ({})],
  [/^parseSet: expected = or block end in set tag$/, "templateParse.setAssign", () => ({})],
  [/^parseBlock: variable name expected$/, "templateParse.blockName", () => ({})],
  [/^tag name expected$/, "templateParse.tagName", () => ({})],
  [/^filter not found: (\S+)$/, "templateParse.unknownFilter", (m) => ({ name: m[1] ?? "" })],
  [
    /^Unable to call `(.+)`, which is undefined or falsey$/s,
    "templateParse.callUndefined",
    (m) => ({ name: m[1] ?? "" }),
  ],
];

/**
 * The catalog message for a template error's detail (nunjucks' words, location prefix removed);
 * unknown words are labelled as the parser's (syntax) or the template engine's (render).
 */
export function templateDetailMsg(detail: string, kind: "syntax" | "render" = "syntax"): Msg {
  for (const [re, key, params] of SHAPES) {
    const m = re.exec(detail);
    if (m) return msg(key, params(m));
  }
  return msg(kind === "syntax" ? "templateParse.parser" : "templateParse.engine", { detail });
}
