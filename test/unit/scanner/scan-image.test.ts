import fs from "node:fs";
import { describe, expect, it } from "vitest";
import { main } from "@/lib/scanner/cli";
import { scanImage } from "@/lib/scanner/scan-image";
import { toSarif } from "@/lib/scanner/to-sarif";
import { dockerArchive, ociArchive, ociLayout, privateKeyPem, type TestImage } from "@/test/helpers/image-archive";

const GH = "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";
const NPM = "npm_ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
const SLACK = "xoxb-1234567890123-1234567890123-abcdefghijABCDEFGHIJklmn";

const base = {
  createdBy: "/bin/sh -c #(nop) ADD file:base in /",
  files: { "etc/os-release": "ID=test\n", "bin/tool": Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]) },
};

const copiedThenDeleted: TestImage = {
  tag: "ghcr.io/acme/api:1.0",
  layers: [
    base,
    {
      createdBy: "COPY .env /app/.env # buildkit",
      files: { "app/.env": `A=1\nGITHUB_TOKEN=${GH}\n` },
      compression: "zstd",
    },
    { createdBy: "RUN /bin/sh -c rm /app/.env", whiteouts: ["/app/.env"], compression: "none" },
  ],
};

describe("layer-aware scanner", () => {
  for (const [name, build] of [
    ["docker save archive", dockerArchive],
    ["OCI archive", ociArchive],
    ["OCI layout directory", async (i: TestImage) => (await ociLayout(i)).dir],
  ] as const) {
    it(`${name}: a file ADDed then removed is residue: added in layer 1, deleted in layer 2 (gzip, zstd and plain layers)`, async () => {
      const scan = await scanImage(await build(copiedThenDeleted));
      expect(scan.findings).toHaveLength(1);
      const [f] = scan.findings;
      expect(f).toMatchObject({
        ruleId: "secretlint/github",
        path: "/app/.env",
        line: 2,
        source: "file",
        value: GH,
        layer: { index: 1, position: 1, createdBy: "COPY .env /app/.env # buildkit" },
        deletedIn: { index: 2 },
      });
      expect(f!.layer!.diffId).toMatch(/^sha256:[a-f0-9]{64}$/);
      expect(scan.skipped.binary).toBe(1);
      expect(scan.stats.layers).toBe(3);
    });
  }

  it("a token passed as ARG is found in the history, with its history position", async () => {
    const scan = await scanImage(
      await dockerArchive({
        tag: "acme/builder:2",
        emptyHistory: [{ before: 1, createdBy: "ARG NPM_TOKEN" }],
        layers: [base, { createdBy: `|1 NPM_TOKEN=${NPM} /bin/sh -c npm ci`, files: { "app/package.json": "{}" } }],
      }),
    );
    expect(scan.findings.map((f) => [f.source, f.path, f.value])).toEqual([["history", "history[2]", NPM]]);
    expect(scan.findings[0]!.layer).toMatchObject({ index: 1, position: 2 });
  });

  it("a sensitive build argument with no known token format is still reported", async () => {
    const scan = await scanImage(
      await dockerArchive({
        tag: "acme/x:1",
        layers: [{ createdBy: "|1 DB_PASSWORD=hunter2hunter2 /bin/sh -c ./migrate", files: { a: "x" } }],
      }),
    );
    expect(scan.findings).toMatchObject([
      { ruleId: "residue/sensitive-build-value", value: "hunter2hunter2", source: "history" },
    ]);
  });

  it("multi-stage: only the final stage ships (clean) versus a stage artifact copied over (leak)", async () => {
    const clean = await scanImage(
      await dockerArchive({
        tag: "acme/app:clean",
        layers: [base, { createdBy: "COPY --from=build /out/app /app", files: { "app/app.js": "console.log(1)\n" } }],
      }),
    );
    expect(clean.findings).toEqual([]);
    const leaky = await scanImage(
      await dockerArchive({
        tag: "acme/app:leak",
        layers: [
          base,
          {
            createdBy: "COPY --from=build /root /root",
            files: { "root/.npmrc": `//registry.npmjs.org/:_authToken=${NPM}\n`, "root/notes": "x" },
          },
        ],
      }),
    );
    expect(leaky.findings).toMatchObject([{ path: "/root/.npmrc", value: NPM, layer: { index: 1 } }]);
    expect(leaky.findings[0]!.deletedIn).toBeUndefined();
  });

  it("opaque directories and replaced files hide lower layers' copies, which stay residue", async () => {
    const scan = await scanImage(
      await dockerArchive({
        tag: "acme/x:2",
        layers: [
          { createdBy: "ADD conf /conf", files: { "conf/a.txt": `token=${SLACK}\n`, "conf/b.txt": `x=${GH}\n` } },
          { createdBy: "RUN rm -rf /conf && mkdir /conf", opaque: ["/conf"], files: { "conf/c.txt": "clean\n" } },
          { createdBy: "ADD etc", files: { "etc/x": `k=${NPM}\n` } },
          { createdBy: "ADD etc again", files: { "etc/x": "replaced\n" } },
        ],
      }),
    );
    expect(scan.findings.map((f) => [f.path, f.layer?.index, f.deletedIn?.index])).toEqual([
      ["/conf/a.txt", 0, 1],
      ["/conf/b.txt", 0, 1],
      ["/etc/x", 2, 3],
    ]);
  });

  it("a certificate bundle inherited from a base image: private key in the base layer", async () => {
    const scan = await scanImage(
      await dockerArchive({
        tag: "acme/svc:1",
        layers: [
          {
            createdBy: "ADD base",
            files: {
              "etc/ssl/private/server.key": privateKeyPem(),
              "etc/ssl/certs/ca.pem": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
            },
          },
          { createdBy: "COPY app /app", files: { "app/x": "y" } },
        ],
      }),
    );
    expect(scan.findings).toMatchObject([
      { ruleId: "secretlint/privatekey", path: "/etc/ssl/private/server.key", layer: { index: 0 } },
    ]);
  });

  it("skips files over the size limit and reports them", async () => {
    const scan = await scanImage(
      await dockerArchive({
        tag: "acme/big:1",
        layers: [
          { createdBy: "ADD big", files: { "data/big.txt": `${"x".repeat(5000)}\n${GH}\n`, "data/small.txt": GH } },
        ],
      }),
      { maxFileBytes: 1000 },
    );
    expect(scan.findings.map((f) => f.path)).toEqual(["/data/small.txt"]);
    expect(scan.skipped).toMatchObject({
      tooLarge: 1,
      listed: [{ path: "/data/big.txt", reason: "too_large", size: 5042 }],
    });
  });

  it("SARIF never holds the raw value unless asked, but its hash and layers", async () => {
    const scan = await scanImage(await dockerArchive(copiedThenDeleted));
    const plain = JSON.stringify(toSarif(scan));
    expect(plain).not.toContain(GH);
    expect(plain).toContain("residue/valueSha256");
    const run = toSarif(scan).runs[0]!;
    expect(run.properties).toMatchObject({
      imageName: "ghcr.io/acme/api:1.0",
      "residue/image": { layers: [{ index: 0 }, { index: 1 }, { index: 2 }] },
    });
    expect(run.results[0]!.properties).toMatchObject({
      "residue/layer": { index: 1 },
      "residue/deletedIn": { index: 2 },
      "residue/source": "file",
    });
    expect(JSON.stringify(toSarif(scan, { includeRaw: true }))).toContain(GH);
  });

  it("CLI: exit 1 with findings, 0 clean, 2 with a clear message for a corrupt or unsupported archive", async () => {
    const io = () => {
      const o = { out: "", err: "" };
      return {
        o,
        io: { out: (s: string) => void (o.out += s), err: (s: string) => void (o.err += s), fetch: globalThis.fetch },
      };
    };
    const a = io();
    expect(await main(["scan", await dockerArchive(copiedThenDeleted)], a.io)).toBe(1);
    expect(JSON.parse(a.o.out).version).toBe("2.1.0");
    expect(a.o.err).toMatch(/1 finding\(s\), 1 residue/);
    const b = io();
    expect(await main(["scan", "-q", await dockerArchive({ tag: "x/y:1", layers: [base] })], b.io)).toBe(0);
    const corrupt = `${fs.mkdtempSync("/tmp/r-")}/bad.tar`;
    fs.writeFileSync(corrupt, Buffer.alloc(2048, 7));
    const c = io();
    expect(await main(["scan", corrupt], c.io)).toBe(2);
    expect(c.o.err).toMatch(/Not a tar archive, or corrupt/);
    const notImage = `${fs.mkdtempSync("/tmp/r-")}/x.tar`;
    fs.writeFileSync(notImage, fs.readFileSync(await dockerArchive({ tag: "x/y:1", layers: [base] })).subarray(0, 0));
    const d = io();
    expect(await main(["scan", notImage], d.io)).toBe(2);
    expect(d.o.err).toMatch(/Not an image archive/);
    const e = io();
    expect(await main(["scan", "/nope/missing.tar"], e.io)).toBe(2);
    expect(e.o.err).toMatch(/No such file/);
  });
});

describe("the CLI", () => {
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return {
      out,
      err,
      io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s), fetch: globalThis.fetch },
    };
  };
  it.each([["--help"], ["scan", "--help"], ["gate", "-h"], ["help"]])("%s prints help and exits 0", async (...argv) => {
    const c = io();
    expect(await main(argv, c.io)).toBe(0);
    expect(c.out.join("")).toMatch(/residue (scan|gate)/);
  });

  it("an OCI layout with several images: none chosen lists the tags and exits 2; --tag or LAYOUT:TAG scans that one", async () => {
    const a = await ociLayout({
      tag: "1.0",
      layers: [{ createdBy: "ADD a", files: { "app/.env": `GITHUB_TOKEN=${GH}\n` } }],
    });
    const b = await ociLayout({
      tag: "2.0",
      layers: [{ createdBy: "ADD b", files: { "app/clean.txt": "nothing here\n" } }],
    });
    // Merge b into a's layout, as `skopeo copy oci:dir:2.0` into an existing layout does.
    fs.cpSync(`${b.dir}/blobs`, `${a.dir}/blobs`, { recursive: true });
    const index = JSON.parse(fs.readFileSync(`${a.dir}/index.json`, "utf8"));
    const rename = (d: { annotations?: Record<string, string> }, name: string) => ({
      ...d,
      annotations: { "org.opencontainers.image.ref.name": name },
    });
    index.manifests = [
      rename(index.manifests[0], "1.0"),
      rename(JSON.parse(fs.readFileSync(`${b.dir}/index.json`, "utf8")).manifests[0], "2.0"),
    ];
    fs.writeFileSync(`${a.dir}/index.json`, JSON.stringify(index));
    const none = io();
    expect(await main(["scan", "-q", a.dir], none.io)).toBe(2);
    expect(none.err.join("")).toMatch(/holds 2 images.*Tags: 1\.0, 2\.0/);
    expect(await main(["scan", "-q", a.dir, "--tag", "1.0"], io().io)).toBe(1);
    expect(await main(["scan", "-q", `${a.dir}:2.0`], io().io)).toBe(0);
    const wrong = io();
    expect(await main(["scan", "-q", a.dir, "--tag", "3.0"], wrong.io)).toBe(2);
    expect(wrong.err.join("")).toMatch(/no image tagged "3.0"/);
  });
});
