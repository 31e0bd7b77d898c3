/**
 * Formats a date with a Go reference layout ("2006-01-02 15:04:05"), the way the seed's
 * TimerJobs `Time` function did, so existing jobs print the same text. Local zone of the server.
 */
export const GO_DEFAULT_LAYOUT = "2006-01-02 15:04:05";

const MONTHS = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];
const DAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

// Longest alternatives first: at each position the regex takes the first one that matches, as
// Go's layout scanner does ("2006" before "2", "15" before "1", "-07:00" before "-07").
const TOKENS =
  /January|Jan|Monday|Mon|MST|2006|Z07:00|Z0700|Z07|-07:00|-0700|-07|_2|15|06|01|02|03|04|05|PM|pm|[.,](?:0+|9+)(?!\d)|1|2|3|4|5/g;

const pad = (n: number, width = 2, fill = "0") => String(n).padStart(width, fill);

function offset(d: Date, sep: string, withMinutes: boolean, zulu: boolean): string {
  const minutes = -d.getTimezoneOffset();
  if (zulu && minutes === 0) return "Z";
  const sign = minutes < 0 ? "-" : "+";
  const abs = Math.abs(minutes);
  const hh = pad(Math.floor(abs / 60));
  return withMinutes ? `${sign}${hh}${sep}${pad(abs % 60)}` : `${sign}${hh}`;
}

/** The zone's abbreviation ("CST", "UTC"), or a numeric one ("+08") as Go prints when there is none. */
function zoneAbbreviation(d: Date): string {
  const name =
    new Intl.DateTimeFormat("en-US", { timeZoneName: "short" })
      .formatToParts(d)
      .find((p) => p.type === "timeZoneName")?.value ?? "";
  if (/^[A-Z]{2,5}$/.test(name)) return name;
  const minutes = -d.getTimezoneOffset();
  if (minutes === 0) return "UTC";
  return minutes % 60 === 0 ? offset(d, "", false, false) : offset(d, "", true, false);
}

function fraction(d: Date, token: string): string {
  const digits = token.length - 1;
  // Milliseconds are all a JS Date has; finer digits are zeros.
  const full = pad(d.getMilliseconds(), 3).padEnd(9, "0").slice(0, digits);
  if (token[1] === "0") return token[0] + full;
  // ".999": trailing zeros removed, and the separator too when nothing is left.
  const trimmed = full.replace(/0+$/, "");
  return trimmed ? token[0] + trimmed : "";
}

export function formatGoTime(d: Date, layout: string = GO_DEFAULT_LAYOUT): string {
  return layout.replace(TOKENS, (t) => {
    const hour12 = d.getHours() % 12 || 12;
    switch (t) {
      case "January":
        return MONTHS[d.getMonth()] ?? "";
      case "Jan":
        return (MONTHS[d.getMonth()] ?? "").slice(0, 3);
      case "Monday":
        return DAYS[d.getDay()] ?? "";
      case "Mon":
        return (DAYS[d.getDay()] ?? "").slice(0, 3);
      case "MST":
        return zoneAbbreviation(d);
      case "2006":
        return pad(d.getFullYear(), 4);
      case "06":
        return pad(d.getFullYear() % 100);
      case "01":
        return pad(d.getMonth() + 1);
      case "1":
        return String(d.getMonth() + 1);
      case "02":
        return pad(d.getDate());
      case "2":
        return String(d.getDate());
      case "_2":
        return pad(d.getDate(), 2, " ");
      case "15":
        return pad(d.getHours());
      case "03":
        return pad(hour12);
      case "3":
        return String(hour12);
      case "04":
        return pad(d.getMinutes());
      case "4":
        return String(d.getMinutes());
      case "05":
        return pad(d.getSeconds());
      case "5":
        return String(d.getSeconds());
      case "PM":
        return d.getHours() >= 12 ? "PM" : "AM";
      case "pm":
        return d.getHours() >= 12 ? "pm" : "am";
      case "-0700":
        return offset(d, "", true, false);
      case "-07:00":
        return offset(d, ":", true, false);
      case "-07":
        return offset(d, "", false, false);
      case "Z0700":
        return offset(d, "", true, true);
      case "Z07:00":
        return offset(d, ":", true, true);
      case "Z07":
        return offset(d, "", false, true);
      default:
        return fraction(d, t);
    }
  });
}
