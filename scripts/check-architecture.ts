/**
 * `npm run lint` part 3: the dependency rules of ARCHITECTURE.md, checked on the real import graph
 * (dependency-cruiser resolves the `@/` alias through tsconfig).
 *  - no module imports itself through a cycle;
 *  - no two domain folders of lib/ (lib/<domain>, subfolders included) import each other, directly or round a loop;
 *  - lib/ never imports app/ or components/, components/ never imports app/.
 * Prints every violation and exits 1 when there is one.
 */
import { cruise, type IModule } from "dependency-cruiser";
import extractTSConfig from "dependency-cruiser/config-utl/extract-ts-config";

const ROOTS = ["app", "components", "lib", "scripts", "bench", "proxy.ts", "instrumentation.ts"];
const { output } = await cruise(
  ROOTS,
  {
    tsConfig: { fileName: "tsconfig.json" },
    tsPreCompilationDeps: true, // type-only imports are dependencies too
    exclude: { path: "^(lib/generated|node_modules)" },
    doNotFollow: { path: "node_modules" },
  },
  undefined,
  { tsConfig: extractTSConfig("tsconfig.json") },
);
if (typeof output === "string") throw new Error("dependency-cruiser returned text, expected a result object");

const modules: IModule[] = output.modules.filter((m) => !m.coreModule && !m.source.startsWith("node_modules"));
const local = new Map<string, string[]>();
for (const m of modules) {
  local.set(
    m.source,
    m.dependencies
      .filter((d) => d.resolved && !d.coreModule && !d.resolved.startsWith("node_modules"))
      .map((d) => d.resolved),
  );
}
const problems: string[] = [];

// Direction between the three top folders.
const top = (file: string) => file.split("/")[0] ?? file;
const forbidden: Record<string, string[]> = { lib: ["app", "components"], components: ["app"] };
for (const [from, tos] of local)
  for (const to of tos)
    if (forbidden[top(from)]?.includes(top(to)))
      problems.push(`${from} imports ${to}: ${top(from)}/ must not depend on ${top(to)}/`);

// Cycles, on a graph given as adjacency: every strongly connected component with more than one node.
function cycles(graph: Map<string, Set<string>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) found.push(component.sort());
    }
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return found;
}

const moduleGraph = new Map([...local].map(([k, v]) => [k, new Set(v)]));
for (const c of cycles(moduleGraph)) problems.push(`modules import each other in a cycle: ${c.join(", ")}`);

const domain = (file: string) => (file.startsWith("lib/") ? file.split("/").slice(0, 2).join("/") : undefined);
const folderGraph = new Map<string, Set<string>>();
const witness = new Map<string, string>();
for (const [from, tos] of local) {
  const a = domain(from);
  if (!a || a.endsWith(".ts")) continue;
  for (const to of tos) {
    const b = domain(to);
    if (!b || b === a || b.endsWith(".ts")) continue;
    if (!folderGraph.has(a)) folderGraph.set(a, new Set());
    folderGraph.get(a)!.add(b);
    if (!witness.has(`${a}>${b}`)) witness.set(`${a}>${b}`, `${from} → ${to}`);
  }
}
// The root modules of lib/ (errors, hashing, version) sit below every folder.
for (const [from, tos] of local)
  if (/^lib\/[^/]+\.ts$/.test(from))
    for (const to of tos)
      if (to.startsWith("lib/") && !/^lib\/[^/]+\.(ts|json)$/.test(to) && !to.startsWith("lib/generated/"))
        problems.push(`${from} imports ${to}: lib's root modules must not depend on its folders`);

if (process.argv.includes("--order")) {
  // Prints the folders bottom-up (each imports only folders above it in this list), for ARCHITECTURE.md.
  const order: string[] = [];
  const all = new Set([...folderGraph.keys(), ...[...folderGraph.values()].flatMap((s) => [...s])]);
  while (order.length < all.size) {
    const next = [...all].filter(
      (f) => !order.includes(f) && [...(folderGraph.get(f) ?? [])].every((d) => order.includes(d)),
    );
    if (!next.length) break;
    order.push(...next.sort());
  }
  for (const f of order) console.log(`${f}: ${[...(folderGraph.get(f) ?? [])].sort().join(", ")}`);
}

for (const c of cycles(folderGraph)) {
  const edges = [...witness].filter(([k]) => k.split(">").every((f) => c.includes(f))).map(([, v]) => v);
  problems.push(`folders import each other in a cycle: ${c.join(", ")} (${edges.join("; ")})`);
}

if (problems.length) {
  console.error(problems.join("\n"));
  console.error(`${problems.length} architecture rule(s) broken`);
  process.exit(1);
}
console.log(`architecture: ${modules.length} modules, no cycles, dependencies point one way`);
