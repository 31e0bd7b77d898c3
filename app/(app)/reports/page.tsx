import { AreaPlaceholder } from "@/app/_components/area-placeholder";
import { requirePageUser } from "@/server/auth/guard";

export default async function Page() {
  await requirePageUser();
  return <AreaPlaceholder area="reports" />;
}
