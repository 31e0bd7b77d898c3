import { randomBytes } from "node:crypto";
import postgres from "postgres";

/**
 * A plain login role (no superuser) on this test file's database, as an admin would make for
 * KAIROS_FUNC_DATABASE_URL; `grant` names tables it may read. Roles are cluster-wide: drop it.
 */
export async function makeReaderRole(grant: string[] = []) {
  const own = process.env.DATABASE_URL;
  if (!own) throw new Error("DATABASE_URL is not set");
  const role = `kairos_reader_${randomBytes(4).toString("hex")}`;
  const password = randomBytes(12).toString("hex");
  const admin = postgres(own, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create role ${role} login nosuperuser password '${password}'`);
  for (const t of grant) await admin.unsafe(`grant select on ${t} to ${role}`);
  const url = new URL(own);
  url.username = role;
  url.password = password;
  return {
    role,
    url: url.toString(),
    drop: async () => {
      await admin.unsafe(`drop owned by ${role}`);
      await admin.unsafe(`drop role ${role}`);
      await admin.end();
    },
  };
}
