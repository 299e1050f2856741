import { effectiveStateWhere } from "../vocabulary/sql";
import { OPEN_STATES } from "../vocabulary/triage-state";
import { z } from "zod";
import { getDb } from "../db";
import { parseImageRef } from "../images/parse-image-ref";

export const gateQuerySchema = z.object({
  image: z.string().min(1).max(512).describe("An image reference (registry/repo:tag or …@sha256:…) or a bare digest."),
  unknown: z
    .enum(["fail", "pass"])
    .default("fail")
    .describe("The decision for an image Residue has never seen a scan of."),
});
export const gateResultSchema = z.object({
  decision: z.enum(["pass", "fail"]),
  image: z.string(),
  digests: z.array(z.string()),
  reasons: z.array(
    z.object({
      code: z.string(),
      message: z.string(),
      secretId: z.string().optional(),
      severity: z.string().optional(),
    }),
  ),
});
export type GateResult = z.infer<typeof gateResultSchema>;

/**
 * The CI / admission answer for an image: fail while any secret found in that digest is open or confirmed and
 * its credential not yet rotated (false positives, unexpired accepted risks and rotated credentials pass).
 */
export async function evaluateGate(q: z.infer<typeof gateQuerySchema>, now = new Date()): Promise<GateResult> {
  const db = getDb();
  const bare = /^sha256:[a-f0-9]{64}$/.test(q.image) ? q.image : undefined;
  const ref = bare ? undefined : parseImageRef(q.image);
  const images = bare
    ? await db.image.findMany({
        where: { OR: [{ digest: bare }, { configDigest: bare }] },
        select: { id: true, digest: true },
      })
    : ref!.digest
      ? await db.image.findMany({
          where: { digest: ref!.digest, repository: { name: ref!.repository, registry: { host: ref!.registry } } },
          select: { id: true, digest: true },
        })
      : await db.image.findMany({
          where: {
            tags: {
              some: {
                name: ref!.tag ?? "latest",
                deletedAt: null,
                repository: { name: ref!.repository, registry: { host: ref!.registry } },
              },
            },
          },
          select: { id: true, digest: true },
        });
  if (!images.length) {
    const message =
      ref && !ref.digest
        ? `No scan on record for ${q.image} (tags resolve only through reports or tag records).`
        : `No scan on record for ${q.image}.`;
    return {
      decision: q.unknown,
      image: q.image,
      digests: [],
      reasons: q.unknown === "fail" ? [{ code: "unknown_image", message }] : [],
    };
  }
  const blocking = await db.secret.findMany({
    where: {
      occurrences: { some: { imageId: { in: images.map((i) => i.id) } } },
      ...effectiveStateWhere(OPEN_STATES, now),
      NOT: { steps: { some: { kind: "rotate", state: { in: ["done", "verified"] } } } },
    },
    orderBy: [{ severity: "asc" }, { id: "asc" }],
    take: 50,
    select: {
      id: true,
      ruleId: true,
      title: true,
      severity: true,
      triageState: true,
      redactedPreview: true,
      residueCount: true,
    },
  });
  if (!blocking.length) {
    const any = await db.occurrence.count({ where: { imageId: { in: images.map((i) => i.id) } } });
    if (any === 0 && !(await db.scan.count({ where: { imageId: { in: images.map((i) => i.id) } } }))) {
      // Known only from tag records: nobody scanned it.
      if (q.unknown === "fail")
        return {
          decision: "fail",
          image: q.image,
          digests: images.map((i) => i.digest),
          reasons: [{ code: "not_scanned", message: "The digest is known but was never scanned." }],
        };
    }
  }
  return {
    decision: blocking.length ? "fail" : "pass",
    image: q.image,
    digests: images.map((i) => i.digest),
    reasons: blocking.map((s) => ({
      code: "unrotated_secret",
      secretId: s.id,
      severity: s.severity,
      message: `${s.severity} ${s.title ?? s.ruleId} (${s.redactedPreview}) is ${s.triageState.replace("_", " ")} and not rotated${s.residueCount ? "; it is residue in a deleted layer file" : ""}`,
    })),
  };
}
