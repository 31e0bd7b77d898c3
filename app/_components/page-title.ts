import "server-only";
import type { Metadata } from "next";
import { getTranslations } from "next-intl/server";

/**
 * A page's <title> from the catalogs ("登录 · Kairos": WeChat shows it in its top bar), for
 * `export const generateMetadata = titleFrom("jobs", "title")`.
 */
export function titleFrom(namespace: string, key: string) {
  return async (): Promise<Metadata> => {
    const t = await getTranslations(namespace);
    return { title: t(key as never) };
  };
}
