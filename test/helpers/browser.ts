import { mkdirSync } from "node:fs";
import path from "node:path";
import { type Browser, type BrowserContext, chromium } from "playwright-core";

export const SCREENS_DIR = path.resolve("test-results", "screens");

/** Debian's Chromium, headless, with the flags that keep it off the (closed) network. */
export async function launchBrowser(): Promise<Browser> {
  mkdirSync(SCREENS_DIR, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}

/** The in-app browser of WeChat on Android, as its user agent reports itself. */
export const WECHAT_UA =
  "Mozilla/5.0 (Linux; Android 13; V2148A Build/TP1A.220624.014; wv) AppleWebKit/537.36 (KHTML, like Gecko) " +
  "Version/4.0 Chrome/116.0.0.0 Mobile Safari/537.36 XWEB/1160065 MMWEBSDK/20231202 MMWEBID/2247 " +
  "MicroMessenger/8.0.47.2560(0x28002F30) WeChat/arm64 Weixin NetType/WIFI Language/zh_CN ABI/arm64";

// Fail in seconds, not at the test timeout, when an element never appears.
const ACTION_TIMEOUT_MS = 10_000;

export async function desktop(browser: Browser, locale = "en-US"): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale });
  ctx.setDefaultTimeout(ACTION_TIMEOUT_MS);
  return ctx;
}

export async function phone(
  browser: Browser,
  storageState?: Awaited<ReturnType<BrowserContext["storageState"]>>,
) {
  const ctx = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    userAgent: WECHAT_UA,
    locale: "zh-CN",
    storageState,
  });
  ctx.setDefaultTimeout(ACTION_TIMEOUT_MS);
  return ctx;
}

export const screenshotPath = (name: string) => path.join(SCREENS_DIR, `${name}.png`);
