import { Prisma } from "../generated/prisma/client";
import { FINDING_TYPE_IDS, FINDING_TYPES, type FindingType } from "./finding-type";
import { OPEN_STATES, type TriageState } from "./triage-state";

// The vocabulary as SQL, for the server only (Prisma.sql does not belong in a browser bundle).

const isCount = (type: FindingType) => FINDING_TYPES[type].flag === "residueCount";

/** A finding type as a condition on the Secret row aliased `s` (reports): hasFindingType in SQL. */
export const FINDING_TYPE_SQL = Object.fromEntries(
  FINDING_TYPE_IDS.map((t) => [t, Prisma.raw(`s."${FINDING_TYPES[t].flag}"${isCount(t) ? " > 0" : ""}`)]),
) as Record<FindingType, Prisma.Sql>;

/** The same, as Prisma filters on Secret (drill-downs). */
export const FINDING_TYPE_WHERE = Object.fromEntries(
  FINDING_TYPE_IDS.map((t): [FindingType, Prisma.SecretWhereInput] => [
    t,
    { [FINDING_TYPES[t].flag]: isCount(t) ? { gt: 0 } : true },
  ]),
) as Record<FindingType, Prisma.SecretWhereInput>;

/** `('open', 'confirmed')`, for `state IN …`. */
export const OPEN_STATES_SQL = Prisma.raw(`(${OPEN_STATES.map((s) => `'${s}'`).join(", ")})`);

/** The secrets aliased `alias` that are open at `now` (effective state in OPEN_STATES), in a form indexes serve. */
export function openNowSql(alias: string, now: Date): Prisma.Sql {
  const a = Prisma.raw(alias);
  return Prisma.sql`(${a}."triageState" IN ${OPEN_STATES_SQL}
    OR (${a}."triageState" = 'accepted_risk' AND ${a}."acceptedUntil" <= ${now}::timestamp))`;
}

/** effectiveState (./triage-state.ts) in SQL, over the Secret row aliased `alias`, as text. */
export function effectiveStateSql(alias: string, now: Date): Prisma.Sql {
  const a = Prisma.raw(alias);
  return Prisma.sql`(CASE WHEN ${a}."triageState" = 'accepted_risk' AND ${a}."acceptedUntil" <= ${now}::timestamp
    THEN 'open' ELSE ${a}."triageState"::text END)`;
}

/** The same as a Prisma filter: the secrets whose effective state at `now` is one of `states`. */
export function effectiveStateWhere(states: readonly TriageState[], now: Date): Prisma.SecretWhereInput {
  const or: Prisma.SecretWhereInput[] = [];
  const plain = states.filter((s) => s !== "accepted_risk");
  if (plain.length) or.push({ triageState: { in: plain } });
  if (states.includes("accepted_risk"))
    or.push({ triageState: "accepted_risk", OR: [{ acceptedUntil: null }, { acceptedUntil: { gt: now } }] });
  if (states.includes("open")) or.push({ triageState: "accepted_risk", acceptedUntil: { lte: now } });
  return { OR: or };
}
