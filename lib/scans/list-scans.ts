import { getDb } from "../db";
import type { ListScansQuery } from "./schemas";

export async function listScans({ page, pageSize }: ListScansQuery) {
  const db = getDb();
  const [total, rows] = await Promise.all([
    db.scan.count(),
    db.scan.findMany({
      orderBy: { createdAt: "desc" },
      skip: (page - 1) * pageSize,
      take: pageSize,
      select: {
        id: true,
        scanner: true,
        toolName: true,
        scannerVersion: true,
        format: true,
        target: true,
        status: true,
        sizeBytes: true,
        findingsCount: true,
        skippedCount: true,
        newSecrets: true,
        newOccurrences: true,
        knownOccurrences: true,
        createdAt: true,
        finishedAt: true,
        image: {
          select: {
            digest: true,
            digestKind: true,
            repository: { select: { name: true, registry: { select: { host: true } } } },
          },
        },
        uploader: { select: { email: true } },
        uploaderToken: { select: { name: true } },
      },
    }),
  ]);
  return { total, page, pageSize, scans: rows };
}
