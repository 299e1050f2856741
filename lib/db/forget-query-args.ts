import { Debug as ClientDebug } from "@prisma/client/runtime/client";
import { Debug as AdapterDebug } from "@prisma/driver-adapter-utils";

// Prisma's debug module keeps the arguments of its last 100 calls whatever DEBUG says (for error reports), and the
// client and the driver adapters log every query with its parameters. After an ingest batch those are megabytes
// of JSON rows held until 100 later calls push them out: 100 empty calls to each copy let the collector have them.
const flush = [ClientDebug("residue:forget-query-args"), AdapterDebug("residue:forget-query-args")];

export function forgetQueryArgs(): void {
  for (const debug of flush) for (let i = 0; i < 100; i++) debug("");
}
