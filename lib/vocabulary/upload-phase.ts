/** What an upload is doing, in order, and how the upload page says it. The `phase` column holds these names. */
export const UPLOAD_PHASES = {
  receive: "Receiving",
  queued: "Queued for a worker",
  read: "Reading the report",
  parse: "Parsing findings",
  write: "Writing findings",
  done: "Finishing",
} as const;
export type UploadPhase = keyof typeof UPLOAD_PHASES;
export const UPLOAD_PHASE_IDS = Object.keys(UPLOAD_PHASES) as [UploadPhase, ...UploadPhase[]];
