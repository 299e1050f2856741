// Next.js calls register() once when a server process starts (next start, next dev, scripts/serve.mjs). The web
// server works the job queue too (lib/jobs/worker.ts) unless RESIDUE_WORKER=off: `npm run web` starts a replica
// that only serves, beside workers started with `npm run worker`.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs" || process.env.RESIDUE_WORKER === "off") return;
  const { startWorker } = await import("./lib/jobs/worker");
  try {
    await startWorker();
  } catch (e) {
    console.error(`residue: the job worker did not start: ${e instanceof Error ? e.message : String(e)}`);
  }
}
