// Starts the real production server (`npm start`) on its own database for the HTTP measurements, and reads the
// peak resident memory of the Next.js process from /proc.
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";

export type BenchServer = {
  url: string;
  /** The web server's process (Next behind node:http). */
  pid: () => number;
  /** scripts/start.ts itself: on the embedded database, the process that holds it and serves it on a socket. */
  hostPid: number;
  stop: () => Promise<void>;
  log: () => string;
};

export async function startServer(
  env: Record<string, string>,
  port: number,
  opts: { build: boolean; args?: string[] },
): Promise<BenchServer> {
  // Measure the code in this checkout, not whatever build happens to be in .next.
  if (opts.build || !fs.existsSync(".next/BUILD_ID")) execFileSync("npm", ["run", "build"], { stdio: "ignore" });
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts", ...(opts.args ?? [])], {
    env: { ...process.env, ...env, PORT: String(port), NEXT_TELEMETRY_DISABLED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let stderr = "";
  const keep = (c: unknown) => (stderr = (stderr + String(c)).slice(-20_000));
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const url = `http://localhost:${port}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/api/health`)).ok) break;
    } catch {}
    if (i > 600 || child.exitCode !== null) throw new Error(`server did not start: ${stderr.slice(-2000)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  // scripts/start.ts spawns scripts/serve.mjs (Next behind node:http): the process that serves requests is its child.
  const nextPid = () =>
    Number(
      execFileSync("pgrep", ["-P", String(child.pid)])
        .toString()
        .trim()
        .split("\n")[0],
    );
  return {
    url,
    log: () => `${stderr.slice(-3000)}${child.exitCode !== null ? `\n(server exited with ${child.exitCode})` : ""}`,
    pid: nextPid,
    hostPid: child.pid!,
    stop: async () => {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {}
      await new Promise((r) => (child.exitCode !== null ? r(null) : child.once("exit", r)));
    },
  };
}

/** Resident memory now and at its peak (VmHWM), in MiB. */
export function memoryOf(pid: number): { rssMiB: number; peakMiB: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
  return { rssMiB: kb("VmRSS") / 1024, peakMiB: kb("VmHWM") / 1024 };
}

/** Resets the peak counter so VmHWM measures one upload, not start-up (Linux ≥ 4.0: write 5 to clear_refs). */
export function resetPeak(pid: number): boolean {
  try {
    fs.writeFileSync(`/proc/${pid}/clear_refs`, "5");
    return true;
  } catch {
    return false;
  }
}

/** `npm run worker` on the given database, in its own process group; resolves once it says it started. */
export async function startWorkerProcess(env: Record<string, string>): Promise<{ stop: () => Promise<void> }> {
  const child = spawn(process.execPath, ["--import", "tsx", "scripts/worker.ts"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  await new Promise<void>((resolve, reject) => {
    const keep = (c: unknown) => {
      out += String(c);
      if (out.includes("worker") && out.includes("started")) resolve();
    };
    child.stdout!.on("data", keep);
    child.stderr!.on("data", (c) => (out += String(c)));
    child.once("exit", () => reject(new Error(`worker exited: ${out.slice(-2000)}`)));
  });
  return {
    stop: async () => {
      try {
        process.kill(-child.pid!, "SIGTERM");
      } catch {}
      await new Promise((r) =>
        child.exitCode !== null || child.signalCode !== null ? r(null) : child.once("exit", r),
      );
    },
  };
}
