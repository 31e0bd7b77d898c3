// Value lists of the API tables, free of drizzle imports so client components can use them.
export const TOKEN_KINDS = ["personal", "service"] as const;
export type TokenKind = (typeof TOKEN_KINDS)[number];

export const IP_LISTS = ["allow", "deny"] as const;
export type IpList = (typeof IP_LISTS)[number];
