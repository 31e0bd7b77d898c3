import { handleMetrics } from "@/server/metrics/handle";

export const dynamic = "force-dynamic";

export { handleMetrics as GET, handleMetrics as HEAD };
