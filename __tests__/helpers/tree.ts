/** Folder snapshots for byte-for-byte comparisons of synth outputs. */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** relative path -> sha256 of the file (folders end with `/` and map to `dir`). Sorted. */
export function hashTree(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string, rel: string) => {
    for (const name of fs.readdirSync(dir).sort()) {
      const abs = path.join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(abs);
      if (st.isDirectory()) {
        out[`${r}/`] = 'dir';
        walk(abs, r);
      } else {
        out[r] = crypto.createHash('sha256').update(fs.readFileSync(abs)).digest('hex');
      }
    }
  };
  walk(root, '');
  return out;
}

/** Every file below `root` (relative paths, sorted). */
export function listFiles(root: string): string[] {
  return Object.keys(hashTree(root)).filter((k) => !k.endsWith('/'));
}

/** Entries of `parent` that look like synth staging leftovers. */
export function stagingLeftovers(parent: string): string[] {
  return fs.readdirSync(parent).filter((n) => n.includes('.staging-'));
}

export function tempDir(tag: string): string {
  return fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), `rootwatch-${tag}-`)));
}

export function rmrf(dir: string | undefined): void {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * The first difference between two snapshots, for readable failures
 * (`only in a: x`, `differs: y`), or undefined when equal.
 */
export function firstDifference(a: Record<string, string>, b: Record<string, string>, names = ['a', 'b']): string | undefined {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const diffs = keys.filter((k) => a[k] !== b[k]).map((k) => (!(k in b) ? `only in ${names[0]}: ${k}` : !(k in a) ? `only in ${names[1]}: ${k}` : `differs: ${k}`));
  return diffs.length === 0 ? undefined : `${diffs.length} difference(s): ${diffs.slice(0, 8).join('; ')}`;
}
