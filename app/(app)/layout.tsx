import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { currentUser } from "@/server/auth/session";
import { Shell } from "../_components/shell";
import { api } from "../_trpc/server";

export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  if (!user) redirect((await api.account.setupNeeded()) ? "/setup" : "/login");
  return <Shell user={user}>{children}</Shell>;
}
