// Value lists shared by the schema, zod and client components (no drizzle import here, so
// client bundles can use them).
export const ROLES = ["admin", "operator", "viewer"] as const;
export type Role = (typeof ROLES)[number];

export const OUTBOX_STATUSES = ["queued", "sending", "sent", "failed", "kept"] as const;
export type OutboxStatus = (typeof OUTBOX_STATUSES)[number];
