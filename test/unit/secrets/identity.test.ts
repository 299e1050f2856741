import crypto from "node:crypto";
import { describe, expect, it } from "vitest";
import { keyedHash, previewOf, scrubHistoryText, secretIdentity } from "@/lib/secrets/identity";
import type { NormalizedFinding } from "@/lib/ingest/finding";

const key = keyedHash(Buffer.alloc(32, 1));
const base: NormalizedFinding = { ruleId: "r", detector: "d", severity: "high", path: "/a", source: "file" };
const where = { layerKey: "", imageKey: "img" };

describe("secretIdentity", () => {
  it("the keyed hash is HMAC-SHA256 under the server key, the same when it is asked again", () => {
    const k = Buffer.alloc(32, 3);
    const h = keyedHash(k);
    const want = crypto.createHmac("sha256", k).update("sha256:abc").digest("hex");
    expect(h("sha256:abc")).toBe(want);
    expect(h("sha256:abc")).toBe(want);
    expect(h("sha256:abd")).not.toBe(want);
  });

  it("a raw value and ggshield's sha256 of it are the same secret", () => {
    const raw = "sk_live_" + "x".repeat(24);
    const a = secretIdentity({ ...base, raw }, key, where);
    const b = secretIdentity({ ...base, valueHash: { algorithm: "sha256", hex: crypto.createHash("sha256").update(raw).digest("hex") } }, key, where);
    expect(a.key).toBe(b.key);
    expect(a.kind).toBe("hmac");
    expect(a.key).not.toContain(raw);
  });

  it("depends on the server key", () => {
    expect(secretIdentity({ ...base, raw: "value-123456" }, key, where).key).not.toBe(secretIdentity({ ...base, raw: "value-123456" }, keyedHash(Buffer.alloc(32, 2)), where).key);
  });

  it("falls back to layer, then location", () => {
    const l1 = secretIdentity(base, key, { layerKey: "sha256:l", imageKey: "one" });
    const l2 = secretIdentity(base, key, { layerKey: "sha256:l", imageKey: "two" });
    expect(l1.kind).toBe("layer_location");
    expect(l1.key).toBe(l2.key);
    const loc = secretIdentity(base, key, { layerKey: "", imageKey: "one" });
    expect(loc.kind).toBe("location");
    expect(loc.key).not.toBe(secretIdentity(base, key, { layerKey: "", imageKey: "two" }).key);
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
