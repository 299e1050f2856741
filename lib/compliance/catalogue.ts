// The control catalogue: data, versioned, reviewed like code. The CSF 2.0 statements are NIST's wording (CSWP 29,
// Feb 2024); OWASP's risk is summarised from its NHI Top 10 2025 page. Rules that turn figures into a status live in
// lib/compliance/control-status.ts; this file says what each control is and why each finding type maps to it.

import { FINDING_TYPE_IDS, type FindingType } from "../vocabulary/finding-type";

export const CATALOGUE_VERSION = "2026.12-1";

export type { FindingType };

export type Control = {
  id: string;
  framework: string;
  version: string;
  title: string;
  description: string;
  /** Finding types this control covers, each with a one-line rationale. */
  mappings: Partial<Record<FindingType, string>>;
};

const every = (why: string) => Object.fromEntries(FINDING_TYPE_IDS.map((t) => [t, why])) as Record<FindingType, string>;

export const CONTROLS: Control[] = [
  {
    id: "OWASP-NHI-02",
    framework: "OWASP Non-Human Identities Top 10",
    version: "2025",
    // OWASP numbers its risks "NHI2:2025"; the id above is Residue's key (URLs, exports) and stays as it was.
    title: "NHI2:2025 Secret Leakage",
    description:
      "Credentials of non-human identities (API keys, tokens, encryption keys, certificates) leak to data stores nobody sanctioned for them, anywhere in the software lifecycle. An image layer, its history and its config are such stores, copied to every registry, mirror and cache.",
    mappings: {
      file_residue:
        "A credential baked into a layer leaks to everyone who can pull the image, even after a later layer deletes it.",
      file_present:
        "A credential shipped in the image filesystem is disclosed to every puller and every running container.",
      build_history: "A build argument holding a credential is published in the image history.",
      env_config: "A credential in the image config is readable with `docker inspect` by anyone who can pull.",
      base_inherited: "A leaked credential in a base image spreads to every image built on it.",
    },
  },
  {
    id: "NIST-CSF-2.0-PR.DS-01",
    framework: "NIST Cybersecurity Framework",
    version: "2.0",
    title: "PR.DS-01 Data-at-rest",
    description:
      "The confidentiality, integrity, and availability of data-at-rest are protected. Image layers are data at rest for the artefact's whole life (PR.DS-1 in CSF 1.1).",
    mappings: every(
      "Image layers, history and config are stored data; a secret in them is unprotected data at rest in every registry, mirror and cache that holds the image.",
    ),
  },
  {
    id: "NIST-CSF-2.0-PR.DS-02",
    framework: "NIST Cybersecurity Framework",
    version: "2.0",
    title: "PR.DS-02 Data-in-transit",
    description: "The confidentiality, integrity, and availability of data-in-transit are protected.",
    mappings: {
      file_residue:
        "Every pull, mirror sync and CI cache transfer carries the layer holding the secret to a new place.",
      file_present: "Every pull and mirror sync transmits the secret to a new location outside the owner's control.",
      base_inherited: "Every pull of a dependent image transmits the base layer holding the secret.",
    },
  },
  {
    id: "NIST-CSF-2.0-PR.DS-10",
    framework: "NIST Cybersecurity Framework",
    version: "2.0",
    title: "PR.DS-10 Data-in-use",
    description: "The confidentiality, integrity, and availability of data-in-use are protected.",
    mappings: {
      file_present:
        "A running container exposes the secret to every process and operator with access to its filesystem.",
      env_config:
        "Environment variables set in the image config are visible to every process in the container and in orchestration APIs.",
    },
  },
  {
    id: "NIST-SP-800-207",
    framework: "NIST SP 800-207 Zero Trust Architecture",
    version: "2020",
    title: "Limit credential exposure across build and deploy boundaries",
    description:
      "Access is granted per session on least privilege; no implicit trust in artefacts crossing from build to deploy. Related NIST SP 800-53 controls: AC-4 (information flow enforcement), SC-10.",
    mappings: {
      file_residue: "A residue secret is a hidden access path that crosses the build-to-deploy boundary unnoticed.",
      build_history:
        "Build-time credentials recorded in history cross into every environment the image is deployed to.",
      env_config:
        "Runtime credentials baked at build time grant standing, implicit access instead of per-session access.",
      base_inherited: "Trust inherited from a base image crosses team and repository boundaries without review.",
    },
  },
];

export function controlsFor(types: FindingType[]): { control: Control; rationale: string; findingType: FindingType }[] {
  return CONTROLS.flatMap((control) =>
    types.filter((t) => control.mappings[t]).map((t) => ({ control, findingType: t, rationale: control.mappings[t]! })),
  );
}
