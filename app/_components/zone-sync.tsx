"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useRef } from "react";
import { useTRPC } from "./trpc";

/**
 * A user without a saved zone (first sign-in) gets the browser's: reported once, never over a
 * zone they chose (the server checks `ifUnset` too), then the page re-renders in it.
 */
export function ZoneSync({ hasZone }: { hasZone: boolean }) {
  const trpc = useTRPC();
  const router = useRouter();
  const sent = useRef(false);
  const { mutate } = useMutation(
    trpc.account.setTimeZone.mutationOptions({ onSuccess: () => router.refresh() }),
  );
  useEffect(() => {
    if (hasZone || sent.current) return;
    const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
    if (!zone) return;
    sent.current = true;
    mutate({ timeZone: zone, ifUnset: true });
  }, [hasZone, mutate]);
  return null;
}
