import { basename, dirname } from 'node:path';
import { build } from 'esbuild';

/**
 * Production runs `node dist/main.js`, not tsx: a bot measured under tsx would carry the loader's
 * memory and on-the-fly compiling. So each bot entry is compiled (esbuild, the compiler tsx itself
 * uses) into one ESM file with the packages left external, and that file runs on plain node.
 *
 * `outDir` must sit two folders below the repository root: the storage code finds `migrations/`
 * two levels up from its own file, as it does from `dist/storage/` in production.
 *
 * Code split at dynamic imports, as `dist/` keeps them: the bot loads an SDK only when it is
 * configured (Anthropic, MCP, ioredis), and one bundle would hoist those packages' imports to its
 * top and load them all at start.
 */
export async function bundleBot(entry: string, outfile: string): Promise<string> {
  await build({
    entryPoints: { [basename(outfile, '.mjs')]: entry },
    outdir: dirname(outfile),
    outExtension: { '.js': '.mjs' },
    splitting: true,
    chunkNames: '[name]-[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: false,
    logLevel: 'warning',
  });
  return outfile;
}
