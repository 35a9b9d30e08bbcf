/** What every bench script shares around its measurement: writing its JSON under bench/results/, and its entry point. */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Write `out` to bench/results/<name>.json (pretty-printed); returns the path relative to the working directory. */
export function writeBenchJson(name: string, out: unknown): string {
  const file = path.join(__dirname, 'results', `${name}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(out, null, 2) + '\n');
  return path.relative(process.cwd(), file);
}

/** Run `main` when `mod` is the script node was started with (not when imported); print the error and exit 1 on failure. */
export function runBench(mod: NodeModule, main: () => Promise<void>): void {
  if (require.main !== mod) return;
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
