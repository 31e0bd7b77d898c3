import type { Permission } from "@/server/auth/permissions";
import type { IconName } from "./icons";

export type NavItem = { href: string; key: IconName & string; permission?: Permission; phoneTab?: boolean };

/** Every area of Kairos, in menu order; the first four (+ "More") are the phone's tab bar. */
export const NAV: NavItem[] = [
  { href: "/", key: "dashboard", phoneTab: true },
  { href: "/jobs", key: "jobs", phoneTab: true },
  { href: "/runs", key: "runs", phoneTab: true },
  { href: "/mail", key: "mail", phoneTab: true },
  { href: "/reports", key: "reports" },
  { href: "/sites", key: "sites" },
  { href: "/alarms", key: "alarms" },
  { href: "/admin", key: "admin", permission: "users.manage" },
];

export function isActive(pathname: string, href: string) {
  return href === "/" ? pathname === "/" : pathname === href || pathname.startsWith(`${href}/`);
}
