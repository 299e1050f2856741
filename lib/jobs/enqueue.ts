import { JOBS, sendIngest } from "./jobs";
import { jobQueue } from "./queue";
import { wakeLocalWorkers } from "./worker";

/** Queues an upload's ingest and wakes a worker of this process, if it has one, rather than wait for its poll. */
export async function enqueueIngest(uploadId: string): Promise<void> {
  await sendIngest(await jobQueue(), uploadId);
  wakeLocalWorkers(JOBS.ingest.name);
}
