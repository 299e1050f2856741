// Next.js calls register() once when a server process starts (next start, next dev, scripts/serve.mjs).
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.RESIDUE_RECURRING_JOBS === "off") return;
  const { startRecurringJobs } = await import("./lib/jobs/recurring");
  startRecurringJobs();
}
