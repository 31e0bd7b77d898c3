import { redirect } from "next/navigation";
import { titleFrom } from "@/app/_components/page-title";
import { api } from "@/app/_trpc/server";
import { currentUser } from "@/server/auth/session";
import { LoginForm } from "./login-form";

export const generateMetadata = titleFrom("titles", "signIn");

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
