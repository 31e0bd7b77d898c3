import { redirect } from "next/navigation";
import type { ReactNode } from "react";
import { currentUser } from "@/server/auth/session";
import { countUsers } from "@/server/auth/users";
import { getDb } from "@/server/db/client";
import { Shell } from "../_components/shell";

export default async function AppLayout({ children }: { children: ReactNode }) {
  const user = await currentUser();
  if (!user) redirect((await countUsers(getDb())) === 0 ? "/setup" : "/login");
  return <Shell user={user}>{children}</Shell>;
}
