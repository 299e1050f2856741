#!/usr/bin/env node
// `npx residue …`: the layer scanner and CI gate. The code lives in lib/scanner; tsx runs it from source.
import { register } from "tsx/esm/api";

register();
const { main } = await import("../lib/scanner/cli.ts");
process.exitCode = await main(process.argv.slice(2));
