import { redirect } from "next/navigation";
import { requirePageUser } from "@/server/auth/guard";

export default async function AdminPage() {
  await requirePageUser("users.manage");
  redirect("/admin/users");
}
