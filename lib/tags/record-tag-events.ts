import { assertCan, type Actor } from "../access/actor";
import { recordAudit } from "../audit/record-audit";
import { getDb } from "../db";
import { ResidueError } from "../errors";
import type { Prisma } from "../generated/prisma/client";
import { parseImageRef, type ImageRef } from "../images/parse-image-ref";
import { refreshRemediated, verifyPurges } from "../remediation/reconcile";
import type { TagEventsInput } from "./schemas";

type Tx = Prisma.TransactionClient;

/**
 * Registry-webhook style tag records: a tag pushed to a digest, a tag deleted, or a digest deleted with all its
 * tags. Purge steps whose repositories no longer have a tag on an affected digest are verified at once.
 */
export async function recordTagEvents(actor: Actor, input: TagEventsInput, now = new Date()) {
  assertCan(actor, "upload");
  const events = input.events.map((e, i) => {
    const ref = parseImageRef(e.image);
    if (e.action === "pushed" && (!ref.tag || !ref.digest))
      throw new ResidueError("bad_request", `events.${i}: a push needs a tag and a digest (name:tag@sha256:…).`);
    if (e.action === "deleted" && !ref.tag && !ref.digest)
      throw new ResidueError("bad_request", `events.${i}: a deletion needs a tag or a digest.`);
    return { ...e, ref, at: e.at ?? now };
  });
  return getDb().$transaction(async (tx) => {
    const repoIds = new Set<string>();
    for (const e of events) {
      const repoId = await repositoryId(tx, e.ref);
      repoIds.add(repoId);
      if (e.action === "pushed") await pushTag(tx, repoId, e.ref, e.at);
      else await deleteTags(tx, repoId, e.ref, e.at);
    }
    await recordAudit(
      tx,
      actor,
      {
        action: "tags.recorded",
        entityType: "Tag",
        entityId: [...repoIds].sort().join(","),
        after: { events: input.events.length },
      },
      now,
    );
    const verified = await verifyPurges(tx, [...repoIds].sort(), now);
    await refreshRemediated(
      tx,
      verified.map((v) => v.secretId),
      now,
    );
    return { recorded: events.length, verifiedPurges: verified.length };
  });
}

async function repositoryId(tx: Tx, ref: ImageRef) {
  const registry = await tx.registry.upsert({
    where: { host: ref.registry },
    create: { host: ref.registry },
    update: {},
    select: { id: true },
  });
  const repo = await tx.repository.upsert({
    where: { registryId_name: { registryId: registry.id, name: ref.repository } },
    create: { registryId: registry.id, name: ref.repository },
    update: {},
    select: { id: true },
  });
  return repo.id;
}

async function pushTag(tx: Tx, repositoryId: string, ref: ImageRef, at: Date) {
  const image = await tx.image.upsert({
    where: { repositoryId_digest: { repositoryId, digest: ref.digest! } },
    create: { repositoryId, digest: ref.digest!, digestKind: "manifest", firstSeenAt: at, lastSeenAt: at },
    update: {},
    select: { id: true },
  });
  const tag = await tx.tag.upsert({
    where: { repositoryId_name: { repositoryId, name: ref.tag! } },
    create: { repositoryId, name: ref.tag!, imageId: image.id, updatedAt: at },
    update: { imageId: image.id, deletedAt: null, updatedAt: at },
    select: { id: true },
  });
  await tx.tagEvent.create({ data: { tagId: tag.id, imageId: image.id, action: "pointed", at, source: "api" } });
}

async function deleteTags(tx: Tx, repositoryId: string, ref: ImageRef, at: Date) {
  const where: Prisma.TagWhereInput = ref.tag
    ? { repositoryId, name: ref.tag }
    : { repositoryId, image: { digest: ref.digest! } };
  const tags = await tx.tag.findMany({ where: { ...where, deletedAt: null }, select: { id: true, imageId: true } });
  if (!tags.length) return;
  await tx.tag.updateMany({
    where: { id: { in: tags.map((t) => t.id) } },
    data: { imageId: null, deletedAt: at, updatedAt: at },
  });
  await tx.tagEvent.createMany({
    data: tags.map((t) => ({ tagId: t.id, imageId: t.imageId, action: "deleted" as const, at, source: "api" })),
  });
}
