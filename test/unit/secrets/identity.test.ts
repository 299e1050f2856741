import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { keyedHash, previewOf, scrubHistoryText, secretEvidence } from "@/lib/secrets/identity";
import type { NormalizedFinding } from "@/lib/findings/finding";

const key = keyedHash(Buffer.alloc(32, 1));
const base: NormalizedFinding = { ruleId: "r", detector: "d", severity: "high", path: "/a", source: "file" };
const where = { layerKey: "", imageKey: "img" };

describe("secretEvidence", () => {
  it("the keyed hash is HMAC-SHA256 under the server key, the same when it is asked again", () => {
    const k = Buffer.alloc(32, 3);
    const h = keyedHash(k);
    const want = crypto.createHmac("sha256", k).update("sha256:abc").digest("hex");
    expect(h("sha256:abc")).toBe(want);
    expect(h("sha256:abc")).toBe(want);
    expect(h("sha256:abd")).not.toBe(want);
  });

  it("a raw value, its sha256 (Residue's SARIF) and its sha1 (detect-secrets) share keys", () => {
    const raw = "sk_live_" + "x".repeat(24);
    const hash = (alg: string) => crypto.createHash(alg).update(raw).digest("hex");
    const a = secretEvidence({ ...base, raw }, key, where);
    const b = secretEvidence({ ...base, valueHashes: [{ algorithm: "sha256", hex: hash("sha256") }] }, key, where);
    const c = secretEvidence({ ...base, valueHashes: [{ algorithm: "sha1", hex: hash("sha1") }] }, key, where);
    expect(a.keys).toHaveLength(2);
    expect(a.keys[0]!.key).toBe(b.keys[0]!.key);
    expect(a.keys.map((k) => k.key)).toContain(c.keys[0]!.key);
    expect([a.kind, b.kind, c.kind]).toEqual(["hmac", "hmac", "hmac"]);
    expect([a.valueKnown, b.valueKnown, c.valueKnown]).toEqual([true, true, true]);
    expect(JSON.stringify(a)).not.toContain(raw);
  });

  it("every part of a multi-part credential is a key; the credential is the whole pair", () => {
    const id = "AKIAIOSFODNN7EXAMPLE";
    const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    const pair = secretEvidence({ ...base, detector: "AWS", raw: id, parts: [secret] }, key, where);
    const alone = secretEvidence({ ...base, detector: "AWS", raw: secret }, key, where);
    expect(pair.keys).toHaveLength(4);
    expect(pair.keys.map((k) => k.key)).toContain(alone.keys[0]!.key);
    expect(pair.credential).toEqual({ family: "aws", part: "whole" });
    expect(alone.credential).toEqual({ family: "aws", part: "secret" });
    expect(pair.preview).toBe("AKIA•••• (20 chars)");
  });

  it("a scanner's own fingerprint is a key of its own kind, not evidence of the value", () => {
    const g = secretEvidence({ ...base, scannerHash: "ab".repeat(32), masked: "ghp_****" }, key, where);
    expect(g).toMatchObject({ kind: "scanner_hash", valueKnown: false });
    const shown = secretEvidence({ ...base, raw: "ghp_" + "y".repeat(36), scannerHash: "ab".repeat(32) }, key, where);
    expect(shown.valueKnown).toBe(true);
    expect(shown.keys.map((k) => k.key)).toContain(g.keys[0]!.key);
  });

  it("depends on the server key", () => {
    expect(secretEvidence({ ...base, raw: "value-123456" }, key, where).keys[0]).not.toEqual(
      secretEvidence({ ...base, raw: "value-123456" }, keyedHash(Buffer.alloc(32, 2)), where).keys[0],
    );
  });

  it("falls back to layer, then location", () => {
    const l1 = secretEvidence(base, key, { layerKey: "sha256:l", imageKey: "one" });
    const l2 = secretEvidence(base, key, { layerKey: "sha256:l", imageKey: "two" });
    expect(l1.kind).toBe("layer_location");
    expect(l1.keys).toEqual(l2.keys);
    const loc = secretEvidence(base, key, { layerKey: "", imageKey: "one" });
    expect(loc.kind).toBe("location");
    expect(loc.keys).not.toEqual(secretEvidence(base, key, { layerKey: "", imageKey: "two" }).keys);
  });

  it("previews show a few leading characters and the length only", () => {
    expect(previewOf("AKIAIOSFODNN7EXAMPLE")).toBe("AKIA•••• (20 chars)");
    expect(previewOf("short")).toBe("•••• (5 chars)");
  });
});

describe("scrubHistoryText", () => {
  it("removes known values and credential-named build args", () => {
    const text = "RUN |2 NPM_TOKEN=npm_abcdef123456 OTHER=1 /bin/sh -c echo ghp_known_value_1234";
    const out = scrubHistoryText(text, ["ghp_known_value_1234"]);
    expect(out).toBe("RUN |2 NPM_TOKEN=[REDACTED] OTHER=1 /bin/sh -c echo [REDACTED]");
  });
});
