import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "../../server/lib/env";

describe("env", () => {
  it("applies defaults when nothing is set", () => {
    const e = parseEnv({});
    expect(e.PORT).toBe(3000);
    expect(e.DATABASE_URL).toBeUndefined();
    expect(e.dataDir.endsWith("/data")).toBe(true);
  });

  it("names every bad variable and why", () => {
    try {
      parseEnv({ PORT: "eighty", DATABASE_URL: "mysql://x", AUTH_SECRET: "short", LOG_LEVEL: "loud" });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(EnvError);
      const msg = (e as EnvError).message;
      expect(msg).toMatch(/PORT: /);
      expect(msg).toMatch(/DATABASE_URL: must start with postgres:\/\/ or postgresql:\/\//);
      expect(msg).toMatch(/AUTH_SECRET: must be at least 32 characters/);
      expect(msg).toMatch(/LOG_LEVEL: /);
      expect((e as EnvError).problems).toHaveLength(4);
    }
  });

  it("treats empty values as unset and wants admin user and password together", () => {
    expect(parseEnv({ PORT: "", SMTP_URL: "" }).SMTP_URL).toBeUndefined();
    expect(() => parseEnv({ KAIROS_ADMIN_USER: "root" })).toThrow(/set both or neither/);
    expect(() => parseEnv({ KAIROS_ADMIN_USER: "root", KAIROS_ADMIN_PASSWORD: "short" })).toThrow(
      /KAIROS_ADMIN_PASSWORD: must be at least 8 characters/,
    );
  });
});
