import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SEVERITIES } from "@/lib/vocabulary/severity";
import { FINDING_TYPE_IDS, FINDING_TYPES, findingTypes, type FindingFlags } from "@/lib/vocabulary/finding-type";
import { OPEN_STATES, TRIAGE_STATES } from "@/lib/vocabulary/triage-state";
import { STEP_KINDS, STEP_STATES } from "@/lib/vocabulary/remediation-step";
import { setupTestDb, testDatabaseKind, type TestDb } from "@/test/helpers/db";

let t: TestDb;
beforeAll(async () => {
  t = await setupTestDb();
});
afterAll(() => t.drop());

const enumValues = async (type: string) =>
  (
    await t.db.$queryRaw<{ v: string }[]>`
      SELECT e.enumlabel AS v FROM pg_enum e JOIN pg_type ty ON ty.oid = e.enumtypid
      WHERE ty.typname = ${type} ORDER BY e.enumsortorder`
  ).map((r) => r.v);

// The flag arguments of residue_exposure_bits, one finding type at a time (the function's argument order).
const FLAG_ARGS: Record<(typeof FINDING_TYPE_IDS)[number], [number, boolean, boolean, boolean, boolean]> = {
  file_residue: [1, false, false, false, false],
  file_present: [0, true, false, false, false],
  build_history: [0, false, true, false, false],
  env_config: [0, false, false, true, false],
  base_inherited: [0, false, false, false, true],
};
const NO_FLAGS: FindingFlags = {
  residueCount: 0,
  inFinalFs: false,
  inHistory: false,
  inConfig: false,
  inSharedLayer: false,
};
const FLAG_OF: Record<(typeof FINDING_TYPE_IDS)[number], Partial<FindingFlags>> = {
  file_residue: { residueCount: 1 },
  file_present: { inFinalFs: true },
  build_history: { inHistory: true },
  env_config: { inConfig: true },
  base_inherited: { inSharedLayer: true },
};

describe(`one vocabulary, and the database agrees with it, on ${testDatabaseKind}`, () => {
  it("the enums in the schema are the vocabulary's lists, in the same order", async () => {
    expect(await enumValues("Severity")).toEqual([...SEVERITIES]);
    expect(await enumValues("TriageState")).toEqual([...TRIAGE_STATES]);
    expect(await enumValues("StepKind")).toEqual([...STEP_KINDS]);
    expect(await enumValues("StepState")).toEqual([...STEP_STATES]);
  });

  it("the ImageExposure trigger's bits: bit 0 is 'open' for exactly OPEN_STATES, finding type i is bit i + 1", async () => {
    const bits = (state: string, remediated: Date | null, flags: [number, boolean, boolean, boolean, boolean]) =>
      t.db.$queryRaw<{ b: number }[]>`
        SELECT residue_exposure_bits(${state}::"TriageState", ${remediated}::timestamp, ${flags[0]}::int,
          ${flags[1]}::boolean, ${flags[2]}::boolean, ${flags[3]}::boolean, ${flags[4]}::boolean) AS b`.then((r) =>
        Number(r[0]!.b),
      );
    for (const state of TRIAGE_STATES) {
      const open = (OPEN_STATES as readonly string[]).includes(state);
      expect(await bits(state, null, [0, false, false, false, false])).toBe(open ? 1 : 0);
      expect(await bits(state, new Date(), [1, true, true, true, true])).toBe(0); // remediated: exposes nothing
    }
    for (const [i, type] of FINDING_TYPE_IDS.entries()) {
      expect(await bits("open", null, FLAG_ARGS[type])).toBe(1 | (1 << (i + 1)));
      expect(findingTypes({ ...NO_FLAGS, ...FLAG_OF[type] })).toEqual([type]);
    }
  });

  it("ImageExposure's count columns follow the finding types' order", async () => {
    const columns = (
      await t.db.$queryRaw<{ name: string }[]>`
        SELECT column_name AS name FROM information_schema.columns
        WHERE table_name = 'ImageExposure' AND column_name NOT IN ('imageId', 'openOccurrences') ORDER BY ordinal_position`
    ).map((c) => c.name);
    expect(columns).toEqual(FINDING_TYPE_IDS.map((t) => FINDING_TYPES[t].exposureColumn));
  });
});
