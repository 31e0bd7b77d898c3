"use client";
import { CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

/** recharts is loaded only when someone asks for a chart (the share page stays light on a phone). */
export default function ReportChart({ points, y }: { points: { x: string; y: number }[]; y: string }) {
  return (
    <div className="h-64 w-full" data-testid="report-chart">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={points} margin={{ top: 8, right: 12, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="#e5e7eb" />
          <XAxis dataKey="x" tick={{ fontSize: 11 }} minTickGap={16} />
          <YAxis tick={{ fontSize: 11 }} width={56} />
          <Tooltip />
          <Line
            type="monotone"
            dataKey="y"
            name={y}
            stroke="#4f46e5"
            strokeWidth={2}
            dot={points.length <= 60}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
