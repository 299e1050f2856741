import fs from "node:fs/promises";
import { ResidueError } from "../errors";

export type TarEntry = { name: string; offset: number; size: number; type: "file" | "dir" | "link" | "other" };

const BLOCK = 512;

function field(buf: Buffer, start: number, len: number): string {
  const s = buf.subarray(start, start + len);
  const nul = s.indexOf(0);
  return s.subarray(0, nul === -1 ? len : nul).toString("utf8");
}

function octal(buf: Buffer, start: number, len: number): number {
  // GNU base-256 for sizes ≥ 8 GiB: high bit set on the first byte.
  if (buf[start]! & 0x80) {
    let n = 0;
    for (let i = start + 1; i < start + len; i++) n = n * 256 + buf[i]!;
    return n;
  }
  const s = field(buf, start, len).trim();
  return s ? parseInt(s, 8) : 0;
}

function paxPath(data: Buffer): string | undefined {
  // Records: "<len> key=value\n"
  let i = 0;
  while (i < data.length) {
    const sp = data.indexOf(0x20, i);
    if (sp === -1) break;
    const len = parseInt(data.subarray(i, sp).toString(), 10);
    if (!len) break;
    const rec = data.subarray(sp + 1, i + len - 1).toString("utf8");
    const eq = rec.indexOf("=");
    if (rec.slice(0, eq) === "path") return rec.slice(eq + 1);
    i += len;
  }
  return undefined;
}

/**
 * Lists a tar archive's entries with their data offsets by reading headers only (ustar, PAX and GNU long
 * names), so blobs can then be streamed from the file in any order. Memory: one header at a time.
 */
export async function indexTar(file: string): Promise<Map<string, TarEntry>> {
  const fh = await fs.open(file, "r");
  const out = new Map<string, TarEntry>();
  try {
    const { size: total } = await fh.stat();
    const header = Buffer.alloc(BLOCK);
    let pos = 0;
    let longName: string | undefined;
    while (pos + BLOCK <= total) {
      await fh.read(header, 0, BLOCK, pos);
      if (header.every((b) => b === 0)) break;
      const checksum = octal(header, 148, 8);
      let sum = 0;
      for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : header[i]!;
      if (checksum !== sum) throw new ResidueError("bad_request", `Not a tar archive, or corrupt at byte ${pos}.`);
      const size = octal(header, 124, 12);
      const flag = String.fromCharCode(header[156]!);
      const dataAt = pos + BLOCK;
      if (dataAt + size > total)
        throw new ResidueError(
          "bad_request",
          `The archive is truncated: its entry at byte ${pos} needs ${size} bytes, ${Math.max(0, total - dataAt)} remain.`,
        );
      pos = dataAt + Math.ceil(size / BLOCK) * BLOCK;
      if (flag === "x" || flag === "L") {
        const data = Buffer.alloc(Math.min(size, 1 << 20));
        await fh.read(data, 0, data.length, dataAt);
        longName = flag === "L" ? field(data, 0, data.length) : paxPath(data);
        continue;
      }
      if (flag === "g") continue;
      const prefix = field(header, 345, 155);
      const name = (longName ?? (prefix ? `${prefix}/${field(header, 0, 100)}` : field(header, 0, 100)))
        .replace(/^\.\//, "")
        .replace(/^\/+/, "");
      longName = undefined;
      const type =
        flag === "0" || flag === "\0" || flag === "7"
          ? "file"
          : flag === "5"
            ? "dir"
            : flag === "1" || flag === "2"
              ? "link"
              : "other";
      out.set(name.replace(/\/$/, ""), { name, offset: dataAt, size, type });
    }
    return out;
  } finally {
    await fh.close();
  }
}
