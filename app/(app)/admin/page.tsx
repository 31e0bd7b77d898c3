import { redirect } from "next/navigation";
import { titleFrom } from "@/app/_components/page-title";
import { requirePageUser } from "@/server/auth/guard";

export const generateMetadata = titleFrom("admin", "title");

export default async function AdminPage() {
  await requirePageUser("users.manage");
  redirect("/admin/users");
}
