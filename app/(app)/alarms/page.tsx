import { AreaPlaceholder } from "@/app/_components/area-placeholder";
import { titleFrom } from "@/app/_components/page-title";
import { requirePageUser } from "@/server/auth/guard";

export const generateMetadata = titleFrom("nav", "alarms");

export default async function Page() {
  await requirePageUser();
  return <AreaPlaceholder area="alarms" />;
}
