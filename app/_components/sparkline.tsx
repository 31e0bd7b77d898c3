import { cx } from "./ui";

const COLOR: Record<string, string> = {
  succeeded: "fill-green-500",
  failed: "fill-red-500",
  timed_out: "fill-amber-500",
  lost: "fill-amber-500",
  cancelled: "fill-gray-400",
};

/** Recent run durations as bars (height = duration, colour = outcome); no hover needed. */
export function Sparkline({
  points,
  className,
}: {
  points: { ms: number; status: string }[];
  className?: string;
}) {
  if (!points.length) return <span className="text-gray-400">—</span>;
  const max = Math.max(...points.map((p) => p.ms), 1);
  const w = 4;
  const gap = 2;
  const h = 20;
  const last = points[points.length - 1];
  return (
    <span className={cx("inline-flex items-center gap-2", className)}>
      <svg width={points.length * (w + gap)} height={h} role="img" aria-label={`last ${points.length} runs`}>
        {points.map((p, i) => {
          const bh = Math.max(2, Math.round((p.ms / max) * h));
          return (
            <rect
              key={i}
              x={i * (w + gap)}
              y={h - bh}
              width={w}
              height={bh}
              rx={1}
              className={COLOR[p.status] ?? "fill-gray-400"}
            />
          );
        })}
      </svg>
      <span className="text-xs text-gray-500 tabular-nums">{formatMs(last?.ms ?? 0)}</span>
    </span>
  );
}

export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1000);
  return m < 60 ? `${m}m ${s}s` : `${Math.floor(m / 60)}h ${m % 60}m`;
}
