export * from "./api";
export * from "./auth";
export * from "./jobs";
export * from "./mail";
export * from "./reports";
export * from "./secrets";
export * from "./sites";
export * from "./system";
