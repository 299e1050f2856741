/**
 * How a leaked secret sits in an image. Ingest keeps a flag per type on each Secret; compliance maps each type to
 * controls; ImageExposure keeps a count per type per image. The order here is the bit order of the trigger's
 * `residue_exposure_bits` (bit 0 is "open", type i is bit i + 1) and the column order of ImageExposure; a test
 * checks both against the database.
 */
export const FINDING_TYPES = {
  file_residue: {
    label: "File residue",
    description:
      "A file holding the secret was added in one layer and deleted or whited out in a later one: the final filesystem looks clean, the layer still holds it.",
    exposureColumn: "fileResidue",
  },
  file_present: {
    label: "File present",
    description: "A file holding the secret is in the image's final filesystem.",
    exposureColumn: "filePresent",
  },
  build_history: {
    label: "Build history",
    description:
      "The secret is in the image config history (ARG or RUN |1 X=…), visible to `docker history --no-trunc`.",
    exposureColumn: "buildHistory",
  },
  env_config: {
    label: "Env / config",
    description: "The secret is in the image config Env or other config metadata.",
    exposureColumn: "envConfig",
  },
  base_inherited: {
    label: "Base image",
    description: "The secret sits in a base layer shared by images of more than one repository.",
    exposureColumn: "baseInherited",
  },
} as const;
export type FindingType = keyof typeof FINDING_TYPES;
export const FINDING_TYPE_IDS = Object.keys(FINDING_TYPES) as FindingType[];

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
} as const satisfies Record<keyof FindingFlags, true>;

const HAS: Record<FindingType, (s: FindingFlags) => boolean> = {
  file_residue: (s) => s.residueCount > 0,
  file_present: (s) => s.inFinalFs,
  build_history: (s) => s.inHistory,
  env_config: (s) => s.inConfig,
  base_inherited: (s) => s.inSharedLayer,
};

export function findingTypes(s: FindingFlags): FindingType[] {
  return FINDING_TYPE_IDS.filter((t) => HAS[t](s));
}
