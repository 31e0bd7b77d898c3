/**
 * Chinese descriptions written for the schedules people actually use (issue 10): cronstrue's
 * zh_CN reads like a translation ("在09:30, 星期一至星期五"); these read like a person wrote them
 * ("周一至周五 09:30", "每天 23:00 至次日 07:00，每小时整点"). Shapes not covered here return null and
 * the caller tidies cronstrue's text (`tidyCronstrueZh`).
 */

const DAY = ["周日", "周一", "周二", "周三", "周四", "周五", "周六", "周日"];
const NUM = /^\d+$/;
const pad = (n: number) => String(n).padStart(2, "0");
const hm = (h: number, m: number, s = 0) => `${pad(h)}:${pad(m)}${s ? `:${pad(s)}` : ""}`;

/** "*\/N" or Quartz's "0/N" (from 0, every N): the step, else null. */
function everyStep(token: string): number | null {
  const m = /^(?:\*|0)\/(\d+)$/.exec(token);
  return m ? Number(m[1]) : null;
}

function range(token: string): [number, number] | null {
  const m = /^(\d+)-(\d+)$/.exec(token);
  return m ? [Number(m[1]), Number(m[2])] : null;
}

function days(dom: string, month: string, dow: string): string | null {
  if (month !== "*") {
    if (!NUM.test(month) || !NUM.test(dom) || dow !== "*") return null;
    return `每年 ${month} 月 ${dom} 日`;
  }
  if (dom === "*" && dow === "*") return "每天";
  if (dow === "*") {
    if (dom === "L") return "每月最后一天";
    const list = dom.split(",");
    if (list.every((d) => NUM.test(d))) return `每月 ${list.map((d) => `${d} 日`).join("、")}`;
    const r = range(dom);
    return r ? `每月 ${r[0]} 日至 ${r[1]} 日` : null;
  }
  if (dom !== "*") return null;
  const r = range(dow);
  if (r && r[0] < r[1] && r[1] <= 7)
    return r[0] === 1 && r[1] === 5 ? "周一至周五" : `${DAY[r[0]]}至${DAY[r[1]]}`;
  const list = dow.split(",");
  if (!list.every((d) => NUM.test(d) && Number(d) <= 7)) return null;
  const sorted = [...new Set(list.map((d) => Number(d) % 7))].sort((a, b) => ((a + 6) % 7) - ((b + 6) % 7));
  if (sorted.length === 2 && sorted.includes(6) && sorted.includes(0)) return "周末";
  return `每${sorted.map((d) => DAY[d]).join("、")}`;
}

/** The time of day part, and whether it stands alone (an interval that makes "每天" redundant). */
function times(sec: string, min: string, hour: string): { text: string; interval: boolean } | null {
  if (NUM.test(sec) && NUM.test(min) && NUM.test(hour)) {
    return { text: hm(Number(hour), Number(min), Number(sec)), interval: false };
  }
  if (sec !== "0") {
    if (min !== "*" || hour !== "*") return null;
    if (sec === "*") return { text: "每秒", interval: true };
    const s = everyStep(sec);
    return s ? { text: `每 ${s} 秒`, interval: true } : null;
  }
  const minStep = everyStep(min);
  const hourStep = everyStep(hour);
  const hr = range(hour);
  // Fixed minute, fixed hours: "09:30", "09:00、18:00".
  if (NUM.test(min) && hour.split(",").every((h) => NUM.test(h))) {
    return {
      text: hour
        .split(",")
        .map((h) => hm(Number(h), Number(min)))
        .join("、"),
      interval: false,
    };
  }
  if (hour === "*") {
    if (min === "*") return { text: "每分钟", interval: true };
    if (min === "0") return { text: "每小时整点", interval: true };
    if (NUM.test(min)) return { text: `每小时第 ${Number(min)} 分`, interval: true };
    if (minStep) return { text: `每 ${minStep} 分钟`, interval: true };
    return null;
  }
  if (hourStep && min === "0") {
    return { text: hourStep === 1 ? "每小时整点" : `每 ${hourStep} 小时整点`, interval: true };
  }
  if (hr) {
    const [from, to] = hr;
    const span = (endMin: number) =>
      from <= to ? `${hm(from, 0)} 至 ${hm(to, endMin)}` : `${hm(from, 0)} 至次日 ${hm(to, endMin)}`;
    if (min === "0") return { text: `${span(0)}，每小时整点`, interval: false };
    if (minStep) return { text: `${span(59)}，每 ${minStep} 分钟`, interval: false };
    if (min === "*") return { text: `${span(59)}，每分钟`, interval: false };
    if (NUM.test(min)) return { text: `${span(Number(min))}，每小时第 ${Number(min)} 分`, interval: false };
  }
  return null;
}

/** Six tokens (seconds first; `?` as `*`), numbers for names. Null: not a shape written here. */
export function describeZh(six: string[]): string | null {
  const [sec = "0", min = "*", hour = "*", dom = "*", month = "*", dow = "*"] = six.map((t) =>
    t === "?" ? "*" : t,
  );
  const d = days(dom, month, dow);
  const t = times(sec, min, hour);
  if (!d || !t) return null;
  if (d === "每天") return t.interval ? t.text : `每天 ${t.text}`;
  return t.interval ? `${d}，${t.text}` : `${d} ${t.text}`;
}

/** cronstrue's zh_CN with Chinese punctuation and spacing: "在09:30, 星期一至星期五" → "09:30，星期一至星期五". */
export function tidyCronstrueZh(text: string): string {
  return text
    .replace(/,\s*/g, "，")
    .replace(/在\s*(\d)/g, "$1")
    .replace(/\s{2,}/g, " ")
    .replace(/\s+，/g, "，")
    .replace(/^，/, "")
    .trim();
}
