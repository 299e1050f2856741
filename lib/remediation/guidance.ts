import type { FindingType } from "../vocabulary/finding-type";

export type Guidance = { title: string; steps: string[] };

const ALWAYS: Guidance = {
  title: "For every leaked secret",
  steps: [
    "Rotate the credential first: anyone who pulled an affected image has it, and removing it from future builds does not un-leak it.",
    "Squashing (`docker build --squash`) only hides history in the new image; old digests, caches and mirrors keep the layers. Use it as defence in depth, never as the fix.",
    "Add a CI gate (`npx residue gate <image>` or a scanner with --fail) so the next leak fails the build before it is pushed.",
  ],
};

const BY_TYPE: Record<FindingType, Guidance> = {
  file_residue: {
    title: "Copied in, deleted in a later layer",
    steps: [
      "`RUN rm` or a whiteout only hides the file: `docker save | tar -x` still recovers it from the layer that added it.",
      "Rebuild with BuildKit `RUN --mount=type=secret,id=…` so the secret is available to one instruction and never written to a layer.",
      "If only a build stage needs it, keep it in that stage and copy artefacts, not the credential, into the final stage; do not export or cache that stage's image.",
    ],
  },
  file_present: {
    title: "Shipped in the final filesystem",
    steps: [
      "Remove the file from the build context (.dockerignore) and from every COPY/ADD.",
      "Deliver the credential at run time from a secret manager or orchestrator secret, never in the image.",
    ],
  },
  build_history: {
    title: "Passed as ARG or ENV at build time",
    steps: [
      "`docker history --no-trunc` shows build arguments (`RUN |1 TOKEN=…`) to anyone who can pull: an ARG is no safer than a COPY.",
      "Replace the ARG with `RUN --mount=type=secret,id=token` (docker build --secret id=token,env=TOKEN) and rebuild.",
    ],
  },
  env_config: {
    title: "Baked into the image config",
    steps: ["`docker inspect` shows Env to anyone who can pull. Remove the ENV line and inject the value at run time."],
  },
  base_inherited: {
    title: "Inherited from a base image",
    steps: [
      "The same base layer (same diffID) is in images of several repositories: one fix upstream clears all of them.",
      "Notify the base image owner, get a rebased base without the secret, then rebuild every dependent image on it.",
    ],
  },
};

export function guidanceFor(types: FindingType[]): Guidance[] {
  return [...types.map((t) => BY_TYPE[t]), ALWAYS];
}
