import { storeTrendWeeks } from "../compliance/trends";
import { complianceQuerySchema } from "../compliance/schemas";
import { mondayOf, WEEK_MS } from "../compliance/trends/window";
import { reopenExpiredRisks } from "../triage/reopen-expired-risks";

/**
 * Work that runs on a clock rather than on a request. Reads never write: what time changes (an accepted risk
 * reaching its date) is already shown by the reads, and recorded here. One timer per server process, started by
 * instrumentation.ts when the server starts; the durable job queue of the scale-out work replaces it.
 */
const JOBS: { name: string; everyMs: number; nextAt?: (now: number) => number; run: () => Promise<unknown> }[] = [
  { name: "reopen expired risk acceptances", everyMs: 60_000, run: () => reopenExpiredRisks() },
  // The weeks the compliance page shows by default, by registry and by repository: read as stored afterwards. Also
  // run as a week ends, when that week is still the stored state (computed from the rollups in well under a second),
  // so the first view of the new week finds it stored.
  {
    name: "store ended trend weeks",
    everyMs: 10 * 60_000,
    nextAt: (now) => mondayOf(new Date(now)) + WEEK_MS + 1_000,
    run: async () => {
      const { weeks } = complianceQuerySchema.parse({});
      for (const groupBy of ["registry", "repository"] as const)
        await storeTrendWeeks({ weeks, groupBy, asOf: new Date() });
    },
  },
];

let started = false;

export function startRecurringJobs(): void {
  if (started) return;
  started = true;
  for (const job of JOBS) {
    let running = false;
    const tick = async () => {
      if (running) return; // a slow run is not stacked on
      running = true;
      try {
        await job.run();
      } catch (e) {
        console.error(`residue: ${job.name} failed: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        running = false;
      }
    };
    setTimeout(tick, 1_000).unref();
    setInterval(tick, job.everyMs).unref();
    const nextAt = job.nextAt;
    if (nextAt) {
      const aligned = () =>
        setTimeout(() => void tick().finally(aligned), Math.max(1_000, nextAt(Date.now()) - Date.now())).unref();
      aligned();
    }
  }
}
