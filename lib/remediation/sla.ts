import type { Prisma } from "../generated/prisma/client";
import { assertCan, type Actor } from "../access/actor";
import { recordAudit } from "../audit/record-audit";
import { getDb } from "../db";
import { DEFAULT_SLA_DAYS, type SlaDays } from "./schemas";

type Tx = Pick<Prisma.TransactionClient, "slaPolicy">;

/** Days to remediate per severity: the stored policy over the defaults. */
export async function getSlaDays(tx: Tx = getDb()): Promise<SlaDays> {
  const rows = await tx.slaPolicy.findMany();
  return { ...DEFAULT_SLA_DAYS, ...Object.fromEntries(rows.map((r) => [r.severity, r.days])) };
}

/** Changing the policy moves the due dates of steps not yet closed. */
export async function setSlaDays(actor: Actor, days: SlaDays) {
  assertCan(actor, "admin");
  await getDb().$transaction(async (tx) => {
    const before = await getSlaDays(tx);
    for (const [severity, d] of Object.entries(days)) {
      await tx.slaPolicy.upsert({
        where: { severity: severity as keyof SlaDays },
        create: { severity: severity as keyof SlaDays, days: d },
        update: { days: d },
      });
    }
    await tx.$executeRaw`
      UPDATE "RemediationStep" st SET "dueAt" = s."confirmedAt" + make_interval(days => (${JSON.stringify(days)}::jsonb ->> s.severity::text)::int)
      FROM "Secret" s WHERE s.id = st."secretId" AND s."confirmedAt" IS NOT NULL AND st.state IN ('todo', 'in_progress', 'done')`;
    await recordAudit(tx, actor, {
      action: "sla.updated",
      entityType: "SlaPolicy",
      entityId: "sla",
      before,
      after: days,
    });
  });
}
