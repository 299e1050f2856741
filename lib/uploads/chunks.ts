import fs from "node:fs";
import { Writable } from "node:stream";
import { getDb } from "../db";
import { sealer } from "../keys/sealed";

// An upload waits for its worker in the database, the one store every replica shares. A report holds the raw
// values Residue never keeps, so each part is sealed with AES-256-GCM under a key derived from the server key
// (which every replica has: it is what makes identities agree) and deleted once the upload is processed.

/** The size of each stored part: large enough that a 200 MB report is 200 rows, small enough to hold in memory. */
export const CHUNK_BYTES = 1024 * 1024;
const parts = sealer("residue upload chunks");

// The upload id and position are the additional data: a part copied under another upload (or another position)
// fails to open.
export const sealChunk = (uploadId: string, seq: number, plain: Buffer) => parts.seal(`${uploadId}:${seq}`, plain);
export const openChunk = (uploadId: string, seq: number, sealed: Uint8Array) =>
  parts.open(`${uploadId}:${seq}`, sealed);

/**
 * A stream that stores what is written to it as the upload's parts, in order, and keeps the upload's byte count
 * current (the browser shows it while the report is received). Backpressure is the database's pace.
 */
export function chunkSink(uploadId: string): Writable {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let seq = 0;
  let stored = 0;
  // The last part needs no count of its own: the receipt's end records the size.
  const flush = async (last: boolean) => {
    if (!pendingBytes) return;
    const plain = Buffer.concat(pending, pendingBytes);
    pending = [];
    pendingBytes = 0;
    const data = sealChunk(uploadId, seq, plain);
    stored += plain.length;
    const insert = getDb()
      .$executeRaw`INSERT INTO "UploadChunk" ("uploadId", seq, data) VALUES (${uploadId}, ${seq}, ${data})`;
    if (last) await insert;
    else
      await getDb().$transaction([
        insert,
        getDb().$executeRaw`UPDATE "Upload" SET "sizeBytes" = ${stored} WHERE id = ${uploadId}`,
      ]);
    seq++;
  };
  return new Writable({
    write(chunk: Buffer, _enc, cb) {
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes < CHUNK_BYTES) return cb();
      flush(false).then(() => cb(), cb);
    },
    final(cb) {
      flush(true).then(() => cb(), cb);
    },
  });
}

/**
 * Writes the upload's parts, opened, to a file (the worker's private spool), one part in memory at a time, until
 * the size received (one query for a report of one part). A part missing before that is an error.
 */
export async function restoreChunks(uploadId: string, file: string, expected: number): Promise<number> {
  const fd = fs.openSync(file, "r+");
  let size = 0;
  try {
    for (let seq = 0; size < expected; seq++) {
      const [row] = await getDb().$queryRaw<{ data: Uint8Array }[]>`
        SELECT data FROM "UploadChunk" WHERE "uploadId" = ${uploadId} AND seq = ${seq}`;
      if (!row) throw new Error(`upload ${uploadId} lacks part ${seq}: ${size} of ${expected} bytes stored`);
      const plain = openChunk(uploadId, seq, row.data);
      fs.writeSync(fd, plain, 0, plain.length, size);
      size += plain.length;
    }
  } finally {
    fs.closeSync(fd);
  }
  return size;
}
