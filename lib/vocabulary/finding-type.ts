/**
 * How a leaked secret sits in an image. Ingest keeps a flag per type on each Secret; compliance maps each type to
 * controls; ImageExposure keeps a count per type per image. The order here is the bit order of the trigger's
 * `residue_exposure_bits` (bit 0 is "open", type i is bit i + 1) and the column order of ImageExposure; a test
 * checks both against the database.
 */
export const FINDING_TYPES = {
  file_residue: {
    /** The Secret column ingest keeps it in: a count (the type holds when above zero) or a flag. */
    flag: "residueCount",
    label: "File residue",
    description:
      "A file holding the secret was added in one layer and deleted or whited out in a later one: the final filesystem looks clean, the layer still holds it.",
    exposureColumn: "fileResidue",
  },
  file_present: {
    flag: "inFinalFs",
    label: "File present",
    description: "A file holding the secret is in the image's final filesystem.",
    exposureColumn: "filePresent",
  },
  build_history: {
    flag: "inHistory",
    label: "Build history",
    description:
      "The secret is in the image config history (ARG or RUN |1 X=…), visible to `docker history --no-trunc`.",
    exposureColumn: "buildHistory",
  },
  env_config: {
    flag: "inConfig",
    label: "Env / config",
    description: "The secret is in the image config Env or other config metadata.",
    exposureColumn: "envConfig",
  },
  base_inherited: {
    flag: "inSharedLayer",
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
export type FindingFlag = keyof FindingFlags;
export const FINDING_FLAG_SELECT = Object.fromEntries(FINDING_TYPE_IDS.map((t) => [FINDING_TYPES[t].flag, true])) as {
  [K in FindingFlag]: true;
};

/** Whether a secret has a finding type, from its flag: a count above zero, or a true flag. */
export const hasFindingType = (s: FindingFlags, type: FindingType): boolean => {
  const value = s[FINDING_TYPES[type].flag];
  return typeof value === "number" ? value > 0 : value;
};

export function findingTypes(s: FindingFlags): FindingType[] {
  return FINDING_TYPE_IDS.filter((t) => hasFindingType(s, t));
}
