// Archives made by real image tools, not by our own test writer: umoci builds an OCI layout with a genuine
// whiteout layer, skopeo turns it into a `docker save` archive. CI installs both; elsewhere they are optional.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { scanImage } from "@/lib/scanner/scan-image";

const have = (cmd: string) => {
  try {
    execFileSync(cmd, ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
};
const tools = have("umoci") && have("skopeo");
if (!tools && process.env.CI === "true") throw new Error("CI must have umoci and skopeo (see .ci/run).");

describe.skipIf(!tools)("archives from umoci and skopeo", () => {
  it("finds a secret added in one layer and deleted (whiteout) in the next, in the OCI layout and the docker archive", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "residue-umoci-"));
    const run = (...args: string[]) => execFileSync(args[0]!, args.slice(1), { cwd: dir, stdio: "pipe" });
    run("umoci", "init", "--layout", "img");
    run("umoci", "new", "--image", "img:v1");
    run("umoci", "unpack", "--rootless", "--image", "img:v1", "b");
    fs.mkdirSync(path.join(dir, "b/rootfs/app"));
    fs.writeFileSync(path.join(dir, "b/rootfs/app/.env"), "GITHUB_TOKEN=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\n");
    run("umoci", "repack", "--image", "img:v1", "--history.created_by", "COPY .env /app/.env", "b");
    fs.rmSync(path.join(dir, "b"), { recursive: true });
    run("umoci", "unpack", "--rootless", "--image", "img:v1", "b");
    fs.rmSync(path.join(dir, "b/rootfs/app/.env"));
    run("umoci", "repack", "--image", "img:v1", "--history.created_by", "RUN rm /app/.env", "b");
    run("skopeo", "copy", "-q", "oci:img:v1", "docker-archive:img.tar:ghcr.io/acme/umoci:1");

    for (const input of [path.join(dir, "img"), path.join(dir, "img.tar")]) {
      const scan = await scanImage(input);
      expect(scan.findings).toMatchObject([
        {
          path: "/app/.env",
          layer: { index: 0, createdBy: "COPY .env /app/.env" },
          deletedIn: { index: 1, createdBy: "RUN rm /app/.env" },
        },
      ]);
    }
    expect((await scanImage(path.join(dir, "img.tar"))).image.repoTags).toEqual(["ghcr.io/acme/umoci:1"]);
  });
});
