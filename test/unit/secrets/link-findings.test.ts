import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { credentialKind, splitAwsPair } from "@/lib/secrets/credential-kind";
import { linkByPlace, unionFind, type PlacedEvidence } from "@/lib/secrets/link-findings";

const ID = "AKIAQWERTYUIOPASDFGH";
const SECRET = "abcdEFGHijklMNOPqrst/+uvWXyz0123456789AB";

describe("credentialKind: one family whatever the scanner calls it", () => {
  const cases: [Parameters<typeof credentialKind>[0], string, string][] = [
    [{ detector: "aws-access-key-id", ruleId: "aws-access-key-id", title: "AWS Access Key ID" }, "aws", "id"],
    [{ detector: "aws-secret-access-key", ruleId: "aws-secret-access-key" }, "aws", "secret"],
    [{ detector: "secretlint/aws", ruleId: "secretlint/aws", title: "AWSAccessKeyID" }, "aws", "id"],
    [{ detector: "secretlint/aws", ruleId: "secretlint/aws", title: "AWSSecretAccessKey" }, "aws", "secret"],
    [{ detector: "AWS Keys", ruleId: "AWS Keys", partHint: "client_secret" }, "aws", "secret"],
    [{ detector: "AWS Keys", ruleId: "AWS Keys", partHint: "client_id" }, "aws", "id"],
    [{ detector: "AWS Keys", ruleId: "AWS Keys" }, "aws", "whole"],
    [{ detector: "aws-access-token", ruleId: "aws-access-token", value: ID }, "aws", "id"],
    [{ detector: "generic-api-key", ruleId: "generic-api-key", value: ID }, "aws", "id"],
    [{ detector: "Github", ruleId: "github", value: "ghp_" + "a".repeat(36) }, "github", "whole"],
    [{ detector: "github-pat", ruleId: "github-pat" }, "github", "whole"],
    [{ detector: "NpmToken", ruleId: "npmtoken" }, "npm", "whole"],
    [{ detector: "Generic Private Key", ruleId: "Generic Private Key" }, "private-key", "whole"],
    [{ detector: "secretlint/privatekey", ruleId: "secretlint/privatekey" }, "private-key", "whole"],
    [{ detector: "Django Secret Key", ruleId: "Django Secret Key" }, "generic", "whole"],
  ];
  for (const [f, family, part] of cases) {
    it(`${f.ruleId}${f.partHint ? ` (${f.partHint})` : ""}${f.value ? " with its value" : ""} → ${family}/${part}`, () => {
      expect(credentialKind(f)).toEqual({ family, part });
    });
  }

  it("splits trufflehog's RawV2 of an AWS pair, with or without a colon, and nothing else", () => {
    expect(splitAwsPair(ID + SECRET)).toEqual({ id: ID, secret: SECRET });
    expect(splitAwsPair(`${ID}:${SECRET}`)).toEqual({ id: ID, secret: SECRET });
    expect(splitAwsPair("https://user:pass@host")).toBeUndefined();
    expect(splitAwsPair("XXXX" + ID.slice(4) + SECRET)).toBeUndefined();
  });
});

const at = (
  group: string,
  o: Partial<PlacedEvidence> & { family?: string; part?: "id" | "secret" | "whole" },
): PlacedEvidence => ({
  group,
  layer: o.layer === undefined ? "L" : o.layer,
  image: o.image ?? "I",
  path: o.path ?? "/app/.env",
  line: o.line ?? 1,
  credential: { family: o.family ?? "aws", part: o.part ?? "whole" },
  valueKnown: o.valueKnown ?? true,
});
const pairs = (links: ReturnType<typeof linkByPlace>) => links.map((l) => [l.a, l.b].sort().join("+")).sort();

describe("linkByPlace: the same credential because of where it is", () => {
  it("a masked finding joins the value on its line in the same layer, with or without a leading slash", () => {
    const links = linkByPlace([
      at("masked", { valueKnown: false, part: "id", path: "app/.env" }),
      at("value", { part: "id" }),
    ]);
    expect(pairs(links)).toEqual(["masked+value"]);
    expect(links[0]!.reason).toBe("same place");
  });

  it("not on another line, in another layer, another file or another family", () => {
    for (const other of [{ line: 2 }, { layer: "L2" }, { path: "/app/other.env" }, { family: "github" }]) {
      expect(linkByPlace([at("masked", { valueKnown: false }), at("value", other)])).toEqual([]);
    }
  });

  it("a layer-less finding (a scan of the final filesystem) meets a layered one in the same image only", () => {
    expect(pairs(linkByPlace([at("masked", { valueKnown: false, layer: null }), at("value", {})]))).toEqual([
      "masked+value",
    ]);
    expect(linkByPlace([at("masked", { valueKnown: false, layer: null, image: "J" }), at("value", {})])).toEqual([]);
  });

  it("two values at one place never meet by place: two values are two credentials", () => {
    expect(linkByPlace([at("a", { family: "github" }), at("b", { family: "github" })])).toEqual([]);
  });

  it("without lines, a masked finding joins only the one candidate its place holds", () => {
    expect(
      pairs(
        linkByPlace([at("masked", { valueKnown: false, line: 0, family: "npm" }), at("v", { family: "npm", line: 3 })]),
      ),
    ).toEqual(["masked+v"]);
    expect(
      linkByPlace([
        at("masked", { valueKnown: false, line: 0, family: "npm" }),
        at("v1", { family: "npm", line: 3 }),
        at("v2", { family: "npm", line: 7 }),
      ]),
    ).toEqual([]);
  });

  it("a generic rule meets a named family only on the same known line", () => {
    expect(pairs(linkByPlace([at("m", { valueKnown: false, family: "generic" }), at("v", { family: "npm" })]))).toEqual(
      ["m+v"],
    );
    expect(
      linkByPlace([at("m", { valueKnown: false, family: "generic", line: 0 }), at("v", { family: "npm" })]),
    ).toEqual([]);
  });

  it("a value beats other masked evidence: two masked scanners and one value end as one", () => {
    const links = linkByPlace([
      at("trivy", { valueKnown: false }),
      at("operator", { valueKnown: false, layer: null }),
      at("value", {}),
    ]);
    const u = unionFind();
    for (const l of links) u.union(l.a, l.b);
    expect(new Set(["trivy", "operator", "value"].map(u.find)).size).toBe(1);
  });

  it("an AWS key id and its secret a line apart are one pair; two pairs in one file pair nearest first", () => {
    expect(pairs(linkByPlace([at("id", { part: "id", line: 1 }), at("secret", { part: "secret", line: 2 })]))).toEqual([
      "id+secret",
    ]);
    const file = [
      at("id1", { part: "id", line: 2 }),
      at("s1", { part: "secret", line: 3 }),
      at("id2", { part: "id", line: 5 }),
      at("s2", { part: "secret", line: 6 }),
    ];
    expect(pairs(linkByPlace(file))).toEqual(["id1+s1", "id2+s2"]);
    expect(linkByPlace([at("id", { part: "id", line: 1 }), at("secret", { part: "secret", line: 9 })])).toEqual([]);
  });

  it("without lines, a place with one id and one secret is a pair, one with two ids is not", () => {
    expect(pairs(linkByPlace([at("id", { part: "id", line: 0 }), at("secret", { part: "secret", line: 0 })]))).toEqual([
      "id+secret",
    ]);
    expect(
      linkByPlace([
        at("id", { part: "id", line: 0 }),
        at("id2", { part: "id", line: 0 }),
        at("secret", { part: "secret", line: 0 }),
      ]),
    ).toEqual([]);
  });

  it("does not depend on the order evidence comes in, and never joins two values except as a key pair", () => {
    const item = fc.record({
      group: fc.constantFrom("a", "b", "c", "d", "e"),
      layer: fc.constantFrom("L1", "L2", null),
      image: fc.constantFrom("I", "J"),
      path: fc.constantFrom("/app/.env", "app/.env", "/etc/x"),
      line: fc.integer({ min: 0, max: 4 }),
      credential: fc.record({
        family: fc.constantFrom("aws", "npm", "generic"),
        part: fc.constantFrom("id", "secret", "whole") as fc.Arbitrary<"id" | "secret" | "whole">,
      }),
      valueKnown: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 12 }), (items) => {
        const components = (list: PlacedEvidence[]) => {
          const u = unionFind();
          for (const l of linkByPlace(list)) u.union(l.a, l.b);
          return [...new Set(list.map((i) => i.group))]
            .sort()
            .map((g) => `${g}:${u.find(g)}`)
            .join(",");
        };
        expect(components([...items].reverse())).toBe(components(items));
        for (const l of linkByPlace(items)) {
          const [a, b] = [items.filter((i) => i.group === l.a), items.filter((i) => i.group === l.b)];
          if (l.reason === "same place") expect([...a, ...b].some((i) => !i.valueKnown)).toBe(true);
          else
            for (const side of [a, b])
              expect(side.some((i) => i.credential.family === "aws" && i.credential.part !== "whole")).toBe(true);
        }
      }),
    );
  });
});
