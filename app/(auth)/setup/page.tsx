import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { countUsers } from "@/server/auth/users";
import { getDb } from "@/server/db/client";
import { SetupForm } from "./setup-form";

export const metadata: Metadata = { title: "Setup" };

/** Open only while no user exists: the very first visit creates the first admin. */
export default async function SetupPage() {
  if ((await countUsers(getDb())) > 0) redirect("/login");
  return <SetupForm />;
}
