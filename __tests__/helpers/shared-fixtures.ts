/**
 * Where the shared event corpus (`../shared/fixtures/events`, read in place, never copied) is.
 * The repository's sibling `shared/` folder; in a git worktree kept elsewhere, the sibling of the
 * main checkout (found through git's common directory). ROOTWATCH_SHARED_FIXTURES overrides both.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const REPO = path.resolve(__dirname, '../..');

function candidates(): string[] {
  const out: string[] = [];
  if (process.env.ROOTWATCH_SHARED_FIXTURES) out.push(process.env.ROOTWATCH_SHARED_FIXTURES);
  out.push(path.resolve(REPO, '../shared/fixtures/events'));
  const git = spawnSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: REPO, encoding: 'utf8' });
  const common = git.status === 0 ? git.stdout.trim() : '';
  if (common) out.push(path.resolve(path.dirname(common), '../shared/fixtures/events'));
  return out;
}

let found: string | undefined;
/** The corpus folder (holding INDEX.tsv); the first candidate when none exists (callers then skip). */
export function sharedFixturesDir(): string {
  if (found !== undefined) return found;
  const all = candidates();
  found = all.find((d) => fs.existsSync(path.join(d, 'INDEX.tsv'))) ?? all[0];
  return found;
}
