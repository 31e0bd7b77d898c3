import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { api } from "@/app/_trpc/server";
import { SetupForm } from "./setup-form";

export const metadata: Metadata = { title: "Setup" };

/** Open only while no user exists: the very first visit creates the first admin. */
export default async function SetupPage() {
  if (!(await api.account.setupNeeded())) redirect("/login");
  return <SetupForm />;
}
