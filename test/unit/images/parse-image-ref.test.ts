import { describe, expect, it } from "vitest";
import { formatImageRef, parseImageRef } from "@/lib/images/parse-image-ref";

const D = "sha256:" + "ab".repeat(32);

describe("parseImageRef (Docker rules)", () => {
  it.each([
    ["nginx", { registry: "docker.io", repository: "library/nginx", tag: "latest" }],
    ["nginx:1.25", { registry: "docker.io", repository: "library/nginx", tag: "1.25" }],
    ["acme/api", { registry: "docker.io", repository: "acme/api", tag: "latest" }],
    ["index.docker.io/library/redis:7", { registry: "docker.io", repository: "library/redis", tag: "7" }],
    ["ghcr.io/acme/api:1.4.2", { registry: "ghcr.io", repository: "acme/api", tag: "1.4.2" }],
    [`ghcr.io/acme/api:1.4.2@${D}`, { registry: "ghcr.io", repository: "acme/api", tag: "1.4.2", digest: D }],
    [`ghcr.io/acme/api@${D}`, { registry: "ghcr.io", repository: "acme/api", digest: D }],
    ["localhost:5000/team/app", { registry: "localhost:5000", repository: "team/app", tag: "latest" }],
    ["localhost/app:dev", { registry: "localhost", repository: "app", tag: "dev" }],
  ])("%s", (input, expected) => expect(parseImageRef(input)).toEqual(expected));

  it.each(["", "UPPER/case", "ghcr.io/acme/api@sha256:short", "a b", "ghcr.io/acme/api:bad tag"])(
    "rejects %j",
    (input) => {
      expect(() => parseImageRef(input)).toThrow(/Invalid/);
    },
  );

  it("formats back to the short form", () => {
    expect(formatImageRef(parseImageRef("nginx"))).toBe("nginx:latest");
    expect(formatImageRef(parseImageRef(`ghcr.io/acme/api@${D}`))).toBe(`ghcr.io/acme/api@${D}`);
  });
});
