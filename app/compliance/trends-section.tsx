import { TrendCharts } from "@/components/compliance/trend-charts";
import { minute } from "@/components/ui/format";
import { getTrends, type TrendsQuery } from "@/lib/compliance/trends";
import { trendsGroupBy } from "@/lib/compliance/trends/window";
import { isFleetWide, scopeLabel, type Scope } from "@/lib/compliance/scope";

/**
 * The trends of the compliance page and its report: streamed after the controls on the page, since rebuilding them
 * can take seconds.
 */
export async function TrendsSection({ asOf, weeks, groupBy, scope }: TrendsQuery & { scope: Scope }) {
  const trends = await getTrends({ asOf, weeks, groupBy, scope });
  const { points, weeks: labels, timeToRemediate } = trends.value;
  return (
    <>
      {trends.refreshing && (
        <p role="status" className="mb-3 rounded-md bg-amber-50 px-3 py-2 text-sm text-amber-900 ring-1 ring-amber-200">
          As computed at {minute(trends.computedAt)} UTC. The data has changed since; these trends are being recomputed,
          reload in a moment for them.
        </p>
      )}
      <TrendCharts points={points} weeks={labels} timeToRemediate={timeToRemediate} />
      <p className="mt-2 text-xs text-slate-500">
        Each week is its state at the week&apos;s end (weeks start on Monday, UTC; the last one ends now or at the date
        asked for). Counted per {trendsGroupBy(groupBy, scope)}
        {isFleetWide(scope) ? "" : ` within ${scopeLabel(scope)}`}: a secret or image in several counts in each. A week
        that has ended is kept as computed then, unless something dated before its end is recorded later.
      </p>
    </>
  );
}

export function TrendsLoading({ weeks }: { weeks: number }) {
  return (
    <div
      role="status"
      aria-busy="true"
      className="flex items-center justify-center gap-3 rounded-lg border border-slate-200 bg-white p-10 text-sm text-slate-600"
    >
      <span
        aria-hidden
        className="inline-block h-4 w-4 animate-spin rounded-full border-2 border-indigo-600 border-t-transparent"
      />
      Rebuilding {weeks} weeks of trends from the audit and scan history…
    </div>
  );
}
