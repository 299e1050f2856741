import type { Prisma } from "../generated/prisma/client";

/**
 * Planner settings for the rest of a report's transaction. Fleet-wide, a report reads most of the occurrence
 * table: one hashed pass beats walking it in secret order by index, the plan PostgreSQL picks otherwise (several
 * times slower at 1M occurrences; for the remediation metrics, a bitmap scan per open secret). A registry or
 * repository scope selects few secrets, where index lookups are right.
 */
export async function planFleetScan(tx: Prisma.TransactionClient, fleetWide: boolean): Promise<void> {
  const on = fleetWide ? "off" : "on";
  await tx.$executeRaw`SELECT set_config('enable_mergejoin', ${on}, true), set_config('enable_nestloop', ${on}, true), set_config('work_mem', '64MB', true)`;
}
