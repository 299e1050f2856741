// Scan throughput of `residue scan` against the floor: reading, decompressing and walking the same layers
// without looking at the files.
import { decompressed } from "../lib/scanner/decompress";
import { openImage } from "../lib/scanner/image-source";
import { scanImage } from "../lib/scanner/scan-image";
import { walkLayer } from "../lib/scanner/walk-layer";
import { dockerArchive } from "../test/helpers/image-archive";
import { timed } from "./measure";

export async function scannerThroughput(mibPerLayer: number) {
  const file = (i: number, k: number) => `config-${i}-${k}: value ${k}\n`.repeat(60); // ~1.5 KiB text files
  const perLayer = Math.ceil((mibPerLayer * 1048576) / 1500);
  const layers = Array.from({ length: 3 }, (_, i) => ({
    createdBy: `COPY part-${i} /srv`,
    files: Object.fromEntries(
      Array.from({ length: perLayer }, (_, k) => [
        `srv/p${i}/f${k}.conf`,
        k === 7 ? "GITHUB_TOKEN=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\n" : file(i, k),
      ]),
    ),
  }));
  const archive = await dockerArchive({ tag: "bench/scan:1", layers });
  const floor = await timed(async () => {
    const img = await openImage(archive);
    let bytes = 0;
    for (const l of img.layers)
      bytes += (await walkLayer((await decompressed(img.openBlob(l.blob))).stream, 1 << 20, async () => {})).bytes;
    return bytes;
  });
  const scan = await timed(() => scanImage(archive));
  const mib = floor.value / 1048576;
  return {
    mib,
    scanMiBps: mib / (scan.ms / 1000),
    floorMiBps: mib / (floor.ms / 1000),
    ratio: scan.ms / floor.ms,
    findings: scan.value.findings.length,
  };
}
