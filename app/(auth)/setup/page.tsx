import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { titleFrom } from "@/app/_components/page-title";
import { api } from "@/app/_trpc/server";
import { setupNeedsCode } from "@/server/auth/setup-code";
import { requestAddress } from "@/server/net/client-address";
import { SetupForm } from "./setup-form";

export const generateMetadata = titleFrom("titles", "setup");

/**
 * Open only while no user exists: the very first visit creates the first admin. From another
 * machine it also asks for the one-time code printed in the start-up log.
 */
export default async function SetupPage() {
  if (!(await api.account.setupNeeded())) redirect("/login");
  return <SetupForm needsCode={setupNeedsCode(requestAddress(await headers()))} />;
}
