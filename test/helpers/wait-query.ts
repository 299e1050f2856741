/** A POST /api/v1/scans query that waits for the ingest (the synchronous answer), unless it says how long itself. */
export const waitQuery = (query = "") =>
  /[?&]wait=/.test(query) ? query : `${query}${query.includes("?") ? "&" : "?"}wait=30`;
