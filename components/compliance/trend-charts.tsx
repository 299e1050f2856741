"use client";
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  Bar,
  BarChart,
} from "recharts";

type Point = { week: string; group: string; openSecrets: number; affectedImages: number };
const COLORS = ["#4f46e5", "#dc2626", "#059669", "#d97706", "#0891b2", "#7c3aed", "#64748b"];
const MAX_GROUPS = 6;

/**
 * Pivots week × group rows into one series per group. The smallest groups fold into one series, named for how
 * many it sums: a secret in several of them counts once in each, so it is not a count of distinct secrets.
 */
function pivot(points: Point[], weeks: string[], metric: "openSecrets" | "affectedImages") {
  const totals = new Map<string, number>();
  for (const p of points) totals.set(p.group, (totals.get(p.group) ?? 0) + p[metric]);
  const top = [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, MAX_GROUPS)
    .map(([g]) => g);
  const other = `${totals.size - MAX_GROUPS} more, summed`;
  const groups = totals.size > MAX_GROUPS ? [...top, other] : top;
  const rows = weeks.map(
    (week) => Object.fromEntries([["week", week], ...groups.map((g) => [g, 0])]) as Record<string, string | number>,
  );
  const at = new Map(weeks.map((w, i) => [w, rows[i]!]));
  for (const p of points) {
    const row = at.get(p.week);
    if (!row) continue;
    const g = top.includes(p.group) ? p.group : other;
    row[g] = (row[g] as number) + p[metric];
  }
  return { rows, groups };
}

function GroupChart({
  title,
  points,
  weeks,
  metric,
}: {
  title: string;
  points: Point[];
  weeks: string[];
  metric: "openSecrets" | "affectedImages";
}) {
  const { rows, groups } = pivot(points, weeks, metric);
  return (
    <figure className="rounded-lg border border-slate-200 bg-white p-4">
      <figcaption className="mb-2 text-sm font-semibold">{title}</figcaption>
      {groups.length === 0 ? (
        <p className="py-10 text-center text-sm text-slate-500">Nothing open in this period.</p>
      ) : (
        <div className="h-64" role="img" aria-label={`${title}: ${groups.join(", ")}`}>
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={rows} margin={{ top: 5, right: 10, bottom: 5, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
              <XAxis dataKey="week" fontSize={11} />
              <YAxis allowDecimals={false} fontSize={11} />
              <Tooltip />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              {groups.map((g, i) => (
                <Line
                  key={g}
                  type="monotone"
                  dataKey={g}
                  stroke={COLORS[i % COLORS.length]}
                  strokeWidth={2}
                  dot={false}
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
    </figure>
  );
}

export function TrendCharts({
  points,
  weeks,
  timeToRemediate,
}: {
  points: Point[];
  weeks: string[];
  timeToRemediate: { week: string; hours: number; remediated: number }[];
}) {
  const ttr = weeks.map((w) => ({
    week: w,
    days: +((timeToRemediate.find((t) => t.week === w)?.hours ?? 0) / 24).toFixed(2),
  }));
  return (
    <div className="grid gap-4 lg:grid-cols-3">
      <GroupChart title="Open secrets per week" points={points} weeks={weeks} metric="openSecrets" />
      <GroupChart title="Affected images per week" points={points} weeks={weeks} metric="affectedImages" />
      <figure className="rounded-lg border border-slate-200 bg-white p-4">
        <figcaption className="mb-2 text-sm font-semibold">
          Mean time to remediate (days, by week remediated)
        </figcaption>
        <div className="h-64" role="img" aria-label="Mean time to remediate per week">
          <ResponsiveContainer width="100%" height="100%">
            <BarChart data={ttr} margin={{ top: 5, right: 10, bottom: 5, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
              <XAxis dataKey="week" fontSize={11} />
              <YAxis fontSize={11} />
              <Tooltip />
              <Bar dataKey="days" fill="#4f46e5" isAnimationActive={false} />
            </BarChart>
          </ResponsiveContainer>
        </div>
      </figure>
    </div>
  );
}
