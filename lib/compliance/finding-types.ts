import { Prisma } from "../generated/prisma/client";
import type { FindingType } from "./catalogue";

/** The flags ingest keeps on each Secret, from which its finding types follow. */
export type FindingFlags = {
  residueCount: number;
  inFinalFs: boolean;
  inHistory: boolean;
  inConfig: boolean;
  inSharedLayer: boolean;
};
export const FINDING_FLAG_SELECT = {
  residueCount: true,
  inFinalFs: true,
  inHistory: true,
  inConfig: true,
  inSharedLayer: true,
} as const;

export function findingTypes(s: FindingFlags): FindingType[] {
  const types: FindingType[] = [];
  if (s.residueCount > 0) types.push("file_residue");
  if (s.inFinalFs) types.push("file_present");
  if (s.inHistory) types.push("build_history");
  if (s.inConfig) types.push("env_config");
  if (s.inSharedLayer) types.push("base_inherited");
  return types;
}

/** The same, as filters on Secret (drill-downs). */
export const FINDING_TYPE_WHERE: Record<FindingType, Prisma.SecretWhereInput> = {
  file_residue: { residueCount: { gt: 0 } },
  file_present: { inFinalFs: true },
  build_history: { inHistory: true },
  env_config: { inConfig: true },
  base_inherited: { inSharedLayer: true },
};

/** The same, as SQL over a Secret row aliased `s` (reports). */
export const FINDING_TYPE_SQL: Record<FindingType, Prisma.Sql> = {
  file_residue: Prisma.sql`s."residueCount" > 0`,
  file_present: Prisma.sql`s."inFinalFs"`,
  build_history: Prisma.sql`s."inHistory"`,
  env_config: Prisma.sql`s."inConfig"`,
  base_inherited: Prisma.sql`s."inSharedLayer"`,
};

/** The same, as the per-image counts ImageExposure keeps (occurrences of open secrets with that finding type). */
export const EXPOSURE_COLUMN: Record<FindingType, string> = {
  file_residue: "fileResidue",
  file_present: "filePresent",
  build_history: "buildHistory",
  env_config: "envConfig",
  base_inherited: "baseInherited",
};
