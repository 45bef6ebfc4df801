import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../../src');
const DELIVERY = join(SRC, 'streaming/delivery');

/** Relative imports of a file (type-only ones too: they make a circle for a reader all the same). */
function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  const specifiers = [...source.matchAll(/(?:import|export)\s[^'";]*?from\s+'(\.[^']+)'/g)].map((m) => m[1]!);
  return specifiers.map((specifier) => resolve(dirname(file), specifier.replace(/\.js$/, '.ts')));
}

/** Every circle reachable from `roots`, each as the list of files around it. */
function findCycles(roots: string[], edges: (file: string) => string[] = importsOf): string[][] {
  const cycles: string[][] = [];
  const done = new Set<string>();
  const path: string[] = [];
  const visit = (file: string) => {
    const at = path.indexOf(file);
    if (at >= 0) {
      cycles.push(path.slice(at).map((entry) => entry.replace(`${SRC}/`, '')));
      return;
    }
    if (done.has(file)) return;
    path.push(file);
    for (const imported of edges(file)) visit(imported);
    path.pop();
    done.add(file);
  };
  for (const root of roots) visit(root);
  return cycles;
}

it('the delivery engine imports no circle', () => {
  const files = readdirSync(DELIVERY)
    .filter((name) => name.endsWith('.ts'))
    .map((name) => join(DELIVERY, name));
  expect(files.length).toBeGreaterThan(10);
  expect(findCycles(files)).toEqual([]);
});

it('the check finds a circle when there is one, and reads type-only imports', () => {
  const graph: Record<string, string[]> = { a: ['b'], b: ['c'], c: ['a'], d: ['a'] };
  expect(findCycles(['d'], (file) => graph[file] ?? [])).toEqual([['a', 'b', 'c']]);
  // decide-next-call.ts imports CallPriority as a type only.
  expect(importsOf(join(DELIVERY, 'decide-next-call.ts'))).toContain(join(DELIVERY, 'call-priority.ts'));
});
