/**
 * The English-in-中文 check (issue 10): a 中文 page or mail may hold names, code and units in
 * Latin letters, never an English sentence. "Sentence" = three or more English words in a row
 * once allowed names are taken out; code (pre, code, monospace) is removed before the check.
 */
const ALLOWED = [
  "Kairos",
  "WeChat",
  "OpenAPI",
  "TimerJobs",
  "Bearer",
  "Authorization",
  "SMTP",
  "Resend",
  "HTTP",
  "HTTPS",
  "API",
  "URL",
  "CSV",
  "XLSX",
  "JSON",
  "IANA",
  "GMT",
  "UTC",
  "IP",
  "CIDR",
  "Cron",
  "cron",
  "PDF",
  "ZIP",
  "curl",
];

export function englishSentences(text: string, extraAllowed: readonly string[] = []): string[] {
  let t = text;
  const words = [...extraAllowed, ...ALLOWED].filter((w) => w.length > 0);
  for (const word of words.sort((a, b) => b.length - a.length)) {
    t = t.split(word).join(" · ");
  }
  // URLs, addresses, paths and zone names are data, not prose.
  t = t.replace(/\S+@\S+|https?:\/\/\S+|\b[\w.-]+\/[\w./-]+/g, " · ");
  return [...t.matchAll(/\b[A-Za-z][a-z']*(?:[ \t]+[A-Za-z][a-z']*){2,}\b/g)].map((m) => m[0]);
}
