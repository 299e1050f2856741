import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { main } from "@/lib/scanner/cli";
import { scanImage } from "@/lib/scanner/scan-image";
import { indexTar } from "@/lib/scanner/tar-index";
import { buildLayers, dockerArchive, ociArchive, ociLayout, tarOf, type TestImage } from "@/test/helpers/image-archive";

// The archive corpus (hardening cases 5 and 10, and the scanner half of "nothing Residue writes holds a raw
// value"): every exit code is asserted, every output byte is searched.
function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    io: { out: (s: string) => void out.push(s), err: (s: string) => void err.push(s), fetch: globalThis.fetch },
  };
}
const tarOfFiles = (files: Record<string, string | Buffer>) =>
  tarOf(Object.entries(files).map(([name, body]) => ({ name, body: Buffer.from(body) })));
const tmpFile = (name: string) => path.join(fs.mkdtempSync(path.join(os.tmpdir(), "residue-adv-")), name);

const PLANTED = {
  file: "npm_Q3vW8xYz1AbCdEfGhIjKlMnOpQrStUvWxYz0",
  arg: "ghp_R4nd0mT0k3nF0rTh3Ar9Pl4c3dH3r3xYz1234",
  createdBy: "xoxb-2234567890123-2234567890123-PlAnTeDcReAtEdByTokenxy",
  env: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYPLANTEDKEYx",
  label: "lbl-PlantedDeployTokenValue-7f3a9c2e",
};
const planted: TestImage = {
  tag: "ghcr.io/acme/planted:1",
  layers: [
    { createdBy: "/bin/sh -c #(nop) ADD file:base in /", files: { "etc/os-release": "ID=test\n" } },
    {
      createdBy: `RUN |1 GITHUB_TOKEN=${PLANTED.arg} /bin/sh -c echo ${PLANTED.createdBy} > /dev/null`,
      files: { "root/.npmrc": `//registry.npmjs.org/:_authToken=${PLANTED.file}\n` },
    },
    { createdBy: "RUN /bin/sh -c rm /root/.npmrc", whiteouts: ["/root/.npmrc"] },
  ],
  env: ["PATH=/usr/bin", `AWS_SECRET_ACCESS_KEY=${PLANTED.env}`],
  labels: { "com.acme.deploy-token": PLANTED.label, "org.opencontainers.image.title": "planted" },
};

describe("scanner output never holds a raw value", () => {
  for (const [name, build] of [
    ["docker save", dockerArchive],
    ["OCI archive", ociArchive],
    ["OCI layout", async (i: TestImage) => (await ociLayout(i)).dir],
  ] as const) {
    it(`${name}: values planted in a file, an ARG, created_by, Env and a label are found, and absent from stdout, stderr and the SARIF`, async () => {
      const archive = await build(planted);
      // Found: with --include-raw each planted value is in the report (so the search below is not vacuous).
      const withRaw = capture();
      const rawOut = tmpFile("raw.sarif");
      expect(await main(["scan", archive, "--include-raw", "-o", rawOut], withRaw.io)).toBe(1);
      const raws = JSON.parse(fs.readFileSync(rawOut, "utf8")).runs[0].results.map(
        (r: { properties: Record<string, string> }) => r.properties["residue/raw"],
      );
      for (const v of Object.values(PLANTED)) expect(raws).toContain(v);
      // Without it, no output holds any of them, or any 12-character piece of them.
      const plain = capture();
      const file = tmpFile("plain.sarif");
      expect(await main(["scan", archive, "-o", file], plain.io)).toBe(1);
      const toStdout = capture();
      expect(await main(["scan", archive], toStdout.io)).toBe(1);
      const outputs = [
        fs.readFileSync(file, "utf8"),
        plain.out.join(""),
        plain.err.join(""),
        toStdout.out.join(""),
        toStdout.err.join(""),
      ];
      for (const v of Object.values(PLANTED)) {
        for (let i = 0; i + 12 <= v.length; i++)
          for (const o of outputs)
            expect(o.includes(v.slice(i, i + 12)), `${v.slice(i, i + 12)} in output`).toBe(false);
      }
    });
  }
});

describe("damaged archives exit 2, never 0", () => {
  const image: TestImage = {
    tag: "ghcr.io/acme/cut:1",
    layers: [
      { createdBy: "ADD a", files: { "a.txt": "hello\n" } },
      { createdBy: "ADD b", files: { "app/.env": "GITHUB_TOKEN=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\n" } },
    ],
  };
  for (const [name, build] of [
    ["docker save", dockerArchive],
    ["OCI archive", ociArchive],
  ] as const) {
    it(`${name}: cut at every entry boundary and inside every entry`, async () => {
      const full = await build(image);
      const bytes = fs.readFileSync(full);
      const entries = [...(await indexTar(full)).values()];
      const cuts = new Set<number>();
      for (const e of entries) {
        cuts.add(e.offset - 512); // before the header
        cuts.add(e.offset); // after the header, before the data
        if (e.size > 1) cuts.add(e.offset + Math.floor(e.size / 2));
      }
      const lastData = Math.max(...entries.map((e) => e.offset + Math.ceil(e.size / 512) * 512));
      expect(cuts.size).toBeGreaterThan(8);
      for (const cut of [...cuts].filter((c) => c > 0 && c < lastData)) {
        const file = tmpFile("cut.tar");
        fs.writeFileSync(file, bytes.subarray(0, cut));
        const c = capture();
        expect(await main(["scan", "-q", file], c.io), `cut at ${cut}: ${c.err.join("")}`).toBe(2);
        expect(c.err.join("")).toMatch(/^residue: /);
      }
      expect(await main(["scan", "-q", full], capture().io)).toBe(1);
    });
  }

  it("a layer whose bytes do not match its diffID (same size, one byte changed) exits 2", async () => {
    const { dir } = await ociLayout({
      tag: "x/y:1",
      layers: [{ createdBy: "ADD a", files: { "a.txt": "hello\n" }, compression: "none" }],
    });
    const blobs = path.join(dir, "blobs/sha256");
    const layer = fs
      .readdirSync(blobs)
      .map((f) => path.join(blobs, f))
      .find((f) => fs.statSync(f).size >= 1024)!;
    const b = fs.readFileSync(layer);
    b[600] = b[600]! ^ 1;
    fs.writeFileSync(layer, b);
    const c = capture();
    expect(await main(["scan", dir], c.io)).toBe(2);
    expect(c.err.join("")).toMatch(/does not hash|damaged/);
  });

  it("an OCI layout whose blob is a symlink outside the layout is refused", async () => {
    const { dir } = await ociLayout(image);
    const outside = tmpFile("outside.txt");
    fs.writeFileSync(outside, "not yours");
    const blobs = path.join(dir, "blobs/sha256");
    const victim = fs
      .readdirSync(blobs)
      .map((f) => path.join(blobs, f))
      .sort((a, b) => fs.statSync(b).size - fs.statSync(a).size)[0]!;
    fs.rmSync(victim);
    fs.symlinkSync(outside, victim);
    const c = capture();
    expect(await main(["scan", dir], c.io)).toBe(2);
    expect(c.err.join("")).toMatch(/outside the layout/);
  });

  it("a zero-byte layer says what is wrong", async () => {
    const b = await buildLayers({ tag: "x/y:1", layers: [{ createdBy: "ADD a", files: { "a.txt": "x" } }] });
    const file = tmpFile("zero.tar");
    fs.writeFileSync(
      file,
      await tarOfFiles({
        "layer0/layer.tar": Buffer.alloc(0),
        "config.json": b.config,
        "manifest.json": JSON.stringify([{ Config: "config.json", RepoTags: ["x/y:1"], Layers: ["layer0/layer.tar"] }]),
      }),
    );
    const c = capture();
    expect(await main(["scan", file], c.io)).toBe(2);
    expect(c.err.join("")).toMatch(/empty \(0 bytes\)/);
    expect(c.err.join("")).not.toMatch(/RangeError/);
  });
});

describe("time and work bounds", () => {
  it("a gzip bomb listed five times in Layers is decompressed once", { timeout: 120_000 }, async () => {
    const b = await buildLayers({
      tag: "x/y:1",
      layers: [{ createdBy: "ADD big", files: { "zeros.bin": Buffer.alloc(64 << 20) } }],
    });
    const config = JSON.parse(b.config.toString());
    config.rootfs.diff_ids = Array(5).fill(b.layers[0]!.diffId);
    config.history = Array(5).fill({ created_by: "ADD big" });
    const file = tmpFile("bomb.tar");
    fs.writeFileSync(
      file,
      await tarOfFiles({
        "bomb/layer.tar": b.layers[0]!.blob,
        "config.json": JSON.stringify(config),
        "manifest.json": JSON.stringify([
          { Config: "config.json", RepoTags: ["x/y:1"], Layers: Array(5).fill("bomb/layer.tar") },
        ]),
      }),
    );
    expect(fs.statSync(file).size).toBeLessThan(1 << 20);
    const rss = process.memoryUsage().rss;
    const scan = await scanImage(file);
    expect(scan.stats).toMatchObject({ layers: 5, distinctLayers: 1 });
    expect(process.memoryUsage().rss - rss).toBeLessThan(256 << 20); // streamed: the 64 MiB file is never held
    expect(scan.stats.uncompressedBytes).toBeGreaterThan(5 * (64 << 20)); // every position counted …
  });

  it("a blob listed twice is checked against the diffID at each position, not only the first", async () => {
    const b = await buildLayers({ tag: "x/y:1", layers: [{ createdBy: "ADD a", files: { "a.txt": "x" } }] });
    const config = JSON.parse(b.config.toString());
    config.rootfs.diff_ids = [b.layers[0]!.diffId, `sha256:${"0".repeat(64)}`];
    config.history = [{ created_by: "ADD a" }, { created_by: "ADD a again" }];
    const file = tmpFile("twice.tar");
    fs.writeFileSync(
      file,
      await tarOfFiles({
        "l/layer.tar": b.layers[0]!.blob,
        "config.json": JSON.stringify(config),
        "manifest.json": JSON.stringify([
          { Config: "config.json", RepoTags: ["x/y:1"], Layers: ["l/layer.tar", "l/layer.tar"] },
        ]),
      }),
    );
    const c = capture();
    expect(await main(["scan", file], c.io)).toBe(2);
    expect(c.err.join("")).toMatch(/Layer 2 of 2 does not hash to its diffID/);
  });

  it(
    "a match storm (20 files of 1 MiB full of tokens) finishes in bounded time, reported as truncated",
    { timeout: 180_000 },
    async () => {
      const token = (i: number) =>
        `ghp_${i.toString(36).padStart(8, "0")}${"A1b2C3d4E5f6G7h8I9j0K1l2M3n4".slice(0, 28)}`;
      const file = (k: number) =>
        Array.from({ length: 1 << 20 > 0 ? Math.floor((1 << 20) / 41) : 0 }, (_, i) => token(k * 100_000 + i)).join(
          "\n",
        );
      const files: Record<string, string> = {};
      for (let k = 0; k < 20; k++) files[`data/storm-${k}.txt`] = file(k);
      const archive = await dockerArchive({
        tag: "x/storm:1",
        layers: [
          { createdBy: "ADD storm", files },
          { createdBy: "ADD more", files: { "more/storm.txt": file(99) } },
        ],
      });
      const started = Date.now();
      const scan = await scanImage(archive, { maxFileBytes: 2 << 20 });
      const seconds = (Date.now() - started) / 1000;
      expect(seconds).toBeLessThan(60);
      expect(scan.truncated.files.length).toBeGreaterThan(0);
      expect(scan.truncated.layers).toContain(0);
      expect(scan.findings.filter((f) => f.layer?.index === 0).length).toBe(1000);
      expect(scan.findings.filter((f) => f.layer?.index === 1).length).toBe(100);
    },
  );
});
