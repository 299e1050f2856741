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
const COLORS = [
  "#4f46e5",
  "#dc2626",
  "#059669",
  "#d97706",
  "#0891b2",
  "#7c3aed",
  "#db2777",
  "#65a30d",
  "#0d9488",
  "#9333ea",
];
const OTHER_COLOR = "#64748b";
const MAX_GROUPS = 6;

/**
 * One colour per registry or repository, the same in every chart and on every visit: picked from its name's hash,
 * then the next free colour when two names of this page would share one (names taken in order, so the same set of
 * names always gets the same colours).
 */
function colourOf(names: string[]): Map<string, string> {
  const taken = new Set<number>();
  const out = new Map<string, string>();
  for (const name of [...new Set(names)].sort()) {
    let h = 0;
    for (let i = 0; i < name.length; i++) h = (h * 31 + name.charCodeAt(i)) >>> 0;
    let k = h % COLORS.length;
    for (let tries = 0; taken.has(k) && tries < COLORS.length; tries++) k = (k + 1) % COLORS.length;
    taken.add(k);
    out.set(name, COLORS[k]!);
  }
  return out;
}

/** The figures behind a chart, as a table for screen readers and for anyone who wants the numbers. */
function DataBehind({
  caption,
  columns,
  rows,
}: {
  caption: string;
  columns: string[];
  rows: (string | number | null)[][];
}) {
  return (
    <details className="mt-2 text-xs">
      <summary className="cursor-pointer text-slate-600">Show the numbers</summary>
      <div className="mt-1 overflow-x-auto">
        <table className="min-w-full text-left">
          <caption className="sr-only">{caption}</caption>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c} scope="col" className="py-1 pr-3 font-semibold">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={String(r[0])}>
                {r.map((v, i) => (
                  <td key={i} className="py-0.5 pr-3 tabular-nums">
                    {v ?? "—"}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}

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
  unit,
  points,
  weeks,
  metric,
  colours,
}: {
  title: string;
  unit: string;
  points: Point[];
  weeks: string[];
  metric: "openSecrets" | "affectedImages";
  colours: Map<string, string>;
}) {
  const { rows, groups } = pivot(points, weeks, metric);
  return (
    <figure className="rounded-lg border border-slate-200 bg-white p-4">
      <figcaption className="mb-2 text-sm font-semibold">{title}</figcaption>
      {groups.length === 0 ? (
        <p className="py-10 text-center text-sm text-slate-500">
          No open secret in scope in any of these weeks: nothing leaked, or no report uploaded yet (Upload starts the
          trends).
        </p>
      ) : (
        <div className="h-64" role="img" aria-label={`${title}: ${groups.join(", ")}`}>
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={rows} margin={{ top: 5, right: 10, bottom: 5, left: 0 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
              <XAxis dataKey="week" fontSize={11} />
              <YAxis
                allowDecimals={false}
                fontSize={11}
                label={{ value: unit, angle: -90, position: "insideLeft", fontSize: 11 }}
              />
              <Tooltip />
              <Legend wrapperStyle={{ fontSize: 12 }} />
              {groups.map((g) => (
                <Line
                  key={g}
                  type="linear"
                  dataKey={g}
                  stroke={colours.get(g) ?? OTHER_COLOR}
                  strokeWidth={2}
                  dot={{ r: 2 }}
                  isAnimationActive={false}
                />
              ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
      {groups.length ? (
        <DataBehind
          caption={title}
          columns={["Week starting", ...groups]}
          rows={rows.map((r) => [r.week as string, ...groups.map((g) => r[g] as number)])}
        />
      ) : null}
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
  // A week in which nothing was remediated has no mean: a gap, not a bar of zero days.
  const ttr = weeks.map((w) => {
    const t = timeToRemediate.find((x) => x.week === w);
    return { week: w, days: t ? +(t.hours / 24).toFixed(2) : null, remediated: t?.remediated ?? 0 };
  });
  const colours = colourOf(points.map((p) => p.group));
  const remediatedAny = ttr.some((t) => t.days !== null);
  return (
    <div className="grid gap-4 lg:grid-cols-3">
      <GroupChart
        title="Open secrets per week"
        unit="secrets"
        points={points}
        weeks={weeks}
        metric="openSecrets"
        colours={colours}
      />
      <GroupChart
        title="Affected images per week"
        unit="images"
        points={points}
        weeks={weeks}
        metric="affectedImages"
        colours={colours}
      />
      <figure className="rounded-lg border border-slate-200 bg-white p-4">
        <figcaption className="mb-2 text-sm font-semibold">
          Mean time to remediate (days, by week remediated)
        </figcaption>
        {remediatedAny ? (
          <>
            <div className="h-64" role="img" aria-label="Mean time to remediate per week">
              <ResponsiveContainer width="100%" height="100%">
                <BarChart data={ttr} margin={{ top: 5, right: 10, bottom: 5, left: 0 }}>
                  <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
                  <XAxis dataKey="week" fontSize={11} />
                  <YAxis fontSize={11} label={{ value: "days", angle: -90, position: "insideLeft", fontSize: 11 }} />
                  <Tooltip />
                  <Bar dataKey="days" fill="#4f46e5" isAnimationActive={false} />
                </BarChart>
              </ResponsiveContainer>
            </div>
            <DataBehind
              caption="Mean time to remediate per week"
              columns={["Week starting", "Mean days", "Secrets remediated"]}
              rows={ttr.map((t) => [t.week, t.days, t.remediated])}
            />
          </>
        ) : (
          <p className="py-10 text-center text-sm text-slate-500">
            No secret was remediated in this period yet: a mean appears with the first one.
          </p>
        )}
      </figure>
    </div>
  );
}
