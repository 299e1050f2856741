import type { CredentialKind } from "./credential-kind";

/**
 * A finding (or a stored occurrence) as evidence of where a credential sits. `layer` and `image` are keys of one
 * vocabulary per caller (plan keys in resolve-findings, row ids in persist); `line` 0 is unknown.
 */
export type PlacedEvidence = {
  group: string;
  layer: string | null;
  image: string;
  path: string;
  line: number;
  credential: CredentialKind;
  valueKnown: boolean;
};

export type EvidenceLink = { a: string; b: string; reason: "same place" | "credential pair" };

/** Lines apart at most for an AWS key id and its secret to be one key pair (`.env`, `~/.aws/credentials`). */
export const PAIR_LINES = 3;

/**
 * Which groups of findings hold the same credential because of where they are, not what they hash to. Two pieces
 * of evidence are at the same place when their paths match (with or without a leading "/") and they are in the
 * same layer, or in the same image when one of them has no layer (a scanner that saw only the final filesystem).
 *
 * - **Same place**: a finding without its value (trivy, trivy-operator, ggshield mask it) is the credential of the
 *   finding at its place whose family matches (AWS, GitHub, private key, …; a generic rule matches any family only
 *   on the same known line). Both lines known: they must be equal; otherwise that place must hold exactly one such
 *   candidate. Evidence with the value wins over other masked evidence, and two values never meet here: two
 *   different values are two credentials.
 * - **Credential pair**: an AWS key id and a secret at one place, at most PAIR_LINES apart, are one key pair; each
 *   id and each secret is paired once, nearest first (the id above the secret on a tie). Without lines, only a
 *   place with exactly one id and one secret is paired.
 *
 * Links join groups: the caller unions them (unionFind below).
 */
export function linkByPlace(evidence: PlacedEvidence[]): EvidenceLink[] {
  const links: EvidenceLink[] = [];
  const byPath = new Map<string, PlacedEvidence[]>();
  for (const e of evidence) {
    const key = e.path.replace(/^\/+/, "");
    const list = byPath.get(key);
    if (list) list.push(e);
    else byPath.set(key, [e]);
  }
  for (const items of byPath.values()) {
    if (items.length < 2) continue;
    const byLayer = groupBy(
      items.filter((e) => e.layer),
      (e) => e.layer!,
    );
    const byImage = groupBy(items, (e) => e.image);
    const placeOf = (e: PlacedEvidence) =>
      (e.layer
        ? [...(byLayer.get(e.layer) ?? []), ...(byImage.get(e.image) ?? []).filter((o) => !o.layer)]
        : (byImage.get(e.image) ?? [])
      ).filter((o) => o.group !== e.group);
    for (const e of items) if (!e.valueKnown) linkMasked(e, placeOf(e), links);
    linkPairs(items, placeOf, links);
  }
  return links;
}

function linkMasked(e: PlacedEvidence, place: PlacedEvidence[], links: EvidenceLink[]) {
  const matching = place.filter((o) => sameCredential(e, o));
  const valued = matching.filter((o) => o.valueKnown);
  const groups = new Set((valued.length ? valued : matching).map((o) => o.group));
  if (groups.size === 1) links.push({ a: e.group, b: [...groups][0]!, reason: "same place" });
}

function sameCredential(a: PlacedEvidence, b: PlacedEvidence): boolean {
  const lines = a.line > 0 && b.line > 0;
  if (lines && a.line !== b.line) return false;
  const [x, y] = [a.credential, b.credential];
  if (x.family === "generic" || y.family === "generic") return lines;
  return x.family === y.family && (x.part === y.part || x.part === "whole" || y.part === "whole");
}

function linkPairs(items: PlacedEvidence[], placeOf: (e: PlacedEvidence) => PlacedEvidence[], links: EvidenceLink[]) {
  const isPart = (e: PlacedEvidence, part: "id" | "secret") =>
    e.credential.family === "aws" && e.credential.part === part;
  const candidates: { id: PlacedEvidence; secret: PlacedEvidence; distance: number }[] = [];
  for (const secret of items.filter((e) => isPart(e, "secret"))) {
    const ids = placeOf(secret).filter((o) => isPart(o, "id"));
    for (const id of ids) {
      if (id.line > 0 && secret.line > 0) {
        const distance = Math.abs(secret.line - id.line);
        // On equal distance the id written above its secret goes first.
        if (distance <= PAIR_LINES)
          candidates.push({ id, secret, distance: distance * 2 + (id.line > secret.line ? 1 : 0) });
      } else if (
        new Set(ids.map((o) => o.group)).size === 1 &&
        new Set(
          placeOf(id)
            .filter((o) => isPart(o, "secret"))
            .map((o) => o.group),
        ).size === 1
      ) {
        candidates.push({ id, secret, distance: Number.MAX_SAFE_INTEGER });
      }
    }
  }
  const used = new Set<PlacedEvidence>();
  for (const c of candidates.sort((a, b) => a.distance - b.distance)) {
    if (used.has(c.id) || used.has(c.secret)) continue;
    used.add(c.id).add(c.secret);
    links.push({ a: c.secret.group, b: c.id.group, reason: "credential pair" });
  }
}

function groupBy<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const t of items) {
    const k = key(t);
    const list = out.get(k);
    if (list) list.push(t);
    else out.set(k, [t]);
  }
  return out;
}

/** Disjoint sets of string ids: which groups of findings became one secret. */
export function unionFind() {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!;
    // Path compression: later finds of x are one step.
    while (x !== root) {
      const next = parent.get(x) ?? root;
      parent.set(x, root);
      x = next;
    }
    return root;
  };
  return {
    find,
    union(a: string, b: string) {
      const [ra, rb] = [find(a), find(b)];
      if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
    },
  };
}
