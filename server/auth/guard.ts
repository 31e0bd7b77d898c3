import { forbidden, redirect } from "next/navigation";
import { can, type Permission } from "./permissions";
import { currentUser } from "./session";
import type { PublicUser } from "./users";

/** Every page calls this first (the proxy checks the cookie; this checks the user and role). */
export async function requirePageUser(permission?: Permission): Promise<PublicUser> {
  const user = await currentUser();
  if (!user) redirect("/login");
  if (permission && !can(user.role, permission)) forbidden();
  return user;
}
