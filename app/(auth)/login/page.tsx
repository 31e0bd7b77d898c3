import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { api } from "@/app/_trpc/server";
import { currentUser } from "@/server/auth/session";
import { LoginForm } from "./login-form";

export const metadata: Metadata = { title: "Sign in" };

export default async function LoginPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string }>;
}) {
  if (await api.account.setupNeeded()) redirect("/setup");
  if (await currentUser()) redirect("/");
  const { callbackUrl } = await searchParams;
  // Auth.js passes an absolute URL; keep only its path so the form never leaves the site.
  let path = "/";
  try {
    const u = new URL(callbackUrl ?? "/", "http://x");
    path = `${u.pathname}${u.search}`;
  } catch {}
  return <LoginForm callbackUrl={path} />;
}
