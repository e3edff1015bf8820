/**
 * The output folder's safety net, shared by `rootwatch synth` and every other command (cheap to
 * import: no cdktf). Names, next to the output folder `<parent>/<out>`:
 *
 * - `.<out>.lock`: one synth at a time per output folder (pid and host of the holder).
 *   A lock whose process is gone is stale and taken over.
 * - `.<out>.staging-<random>`: where a synth builds the new tree; `<staging>.old` holds the old tree
 *   during the swap.
 * - `.<out>.swap.json`: the swap journal, written before the first rename and removed after the
 *   last step. If a synth dies inside the swap, the next rootwatch command finds the journal and
 *   either restores the old tree (died between the two renames) or completes the swap (died after
 *   them). Either way the folder holds exactly the old or exactly the new tree, never nothing.
 *
 * Staging folders left by a killed synth are removed by the next one (under the lock, so never a
 * running synth's). All of these names are git-ignored.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { UsageError } from './errors';

interface Holder {
  pid: number;
  host: string;
}

interface Journal {
  /** folder names in the output's parent */
  stage: string;
  old: string;
  hadOld: boolean;
}

export const lockFile = (out: string): string => path.join(path.dirname(out), `.${path.basename(out)}.lock`);
const journalFile = (out: string): string => path.join(path.dirname(out), `.${path.basename(out)}.swap.json`);
const stagingPrefix = (out: string): string => `.${path.basename(out)}.staging-`;

function sleep(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function errno(err: unknown): string {
  return (err as NodeJS.ErrnoException)?.code ?? 'error';
}

/** Write `data` to `file` in one rename (never a half-written file). */
function writeAtomically(file: string, data: string): void {
  const tmp = `${file}.${process.pid}-${crypto.randomBytes(3).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, data);
  fs.renameSync(tmp, file);
}

function readHolder(file: string): Holder | undefined {
  try {
    const h = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<Holder>;
    if (typeof h.pid !== 'number' || typeof h.host !== 'string') return undefined;
    return { pid: h.pid, host: h.host };
  } catch {
    return undefined;
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return errno(err) === 'EPERM';
  }
}

/** A holder on another host cannot be checked: it counts as alive. */
const holderAlive = (h: Holder): boolean => h.host !== os.hostname() || processAlive(h.pid);

export class OutputLock {
  private released = false;

  private constructor(readonly out: string, private readonly file: string) {}

  /**
   * Take the lock of `out` (absolute), waiting up to `waitMs` for a running synth to finish.
   * Busy after that: a UsageError (one line, exit 2). The parent folder must exist.
   */
  static acquire(out: string, waitMs: number): OutputLock {
    const file = lockFile(out);
    const deadline = Date.now() + waitMs;
    for (;;) {
      const mine = `${file}.${process.pid}-${crypto.randomBytes(3).toString('hex')}.tmp`;
      try {
        fs.writeFileSync(mine, JSON.stringify({ pid: process.pid, host: os.hostname() }));
        fs.linkSync(mine, file); // atomic: fails with EEXIST while another process holds it
        return new OutputLock(out, file);
      } catch (err) {
        if (errno(err) !== 'EEXIST') throw new UsageError(`--out: cannot write in ${path.dirname(out)} (${errno(err)})`);
      } finally {
        fs.rmSync(mine, { force: true });
      }
      const holder = readHolder(file);
      if (holder && !holderAlive(holder)) {
        // Remove the stale lock only if it is still that holder's (another process may have taken it over).
        const again = readHolder(file);
        if (again && again.pid === holder.pid && again.host === holder.host) fs.rmSync(file, { force: true });
        continue;
      }
      if (!holder) {
        // Unreadable lock (not written by rootwatch, or a disk problem): stale after a minute.
        try {
          if (Date.now() - fs.statSync(file).mtimeMs > 60_000) fs.rmSync(file, { force: true });
        } catch {
          /* vanished meanwhile */
        }
      }
      if (Date.now() >= deadline) {
        const who = holder ? `pid ${holder.pid}${holder.host === os.hostname() ? '' : ` on ${holder.host}`}` : 'unknown process';
        throw new UsageError(`--out: ${out} is being written by another rootwatch synth (${who}); run again when it has finished, or delete ${file} if none is running`);
      }
      sleep(Math.min(100, Math.max(1, deadline - Date.now())));
    }
  }

  /**
   * Take the lock without waiting, or undefined when another synth holds it (for the quick recovery
   * that every command runs).
   */
  static tryAcquire(out: string): OutputLock | undefined {
    try {
      return OutputLock.acquire(out, 0);
    } catch {
      return undefined;
    }
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    const h = readHolder(this.file);
    if (h && h.pid === process.pid && h.host === os.hostname()) fs.rmSync(this.file, { force: true });
  }
}

/**
 * What `terraform init` and users put in a stack folder, kept across re-syntheses: `.terraform/`,
 * the lock file, `*.tfvars`, `*.tfvars.json`, override files. (Generated files never match.)
 */
export function isUserFile(name: string): boolean {
  return /^\.terraform/.test(name) || /\.tfvars(\.json)?$/.test(name) || /(^|_)override\.tf(\.json)?$/.test(name);
}

/** Move the user files of every folder of `oldOut` into the same folder of `newOut`, where that folder still exists. */
export function carryUserFiles(oldOut: string, newOut: string): void {
  const walk = (rel: string) => {
    const from = path.join(oldOut, rel);
    const to = path.join(newOut, rel);
    let entries: fs.Dirent[];
    try {
      if (!fs.statSync(to).isDirectory()) return;
      entries = fs.readdirSync(from, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (isUserFile(e.name)) {
        if (!fs.existsSync(path.join(to, e.name))) fs.renameSync(path.join(from, e.name), path.join(to, e.name));
      } else if (e.isDirectory() && !(e.name === 'accounts' && rel.startsWith('plain-terraform'))) {
        // (a spoke shape root's accounts/ is generated as a whole: a removed account's tfvars must go)
        walk(path.join(rel, e.name));
      }
    }
  };
  walk('');
}

/** A new staging folder next to `out`, created with the process umask (mkdtemp would make it 0700). */
export function makeStaging(out: string): string {
  for (;;) {
    const stage = path.join(path.dirname(out), `${stagingPrefix(out)}${crypto.randomBytes(4).toString('hex')}`);
    try {
      fs.mkdirSync(stage, { mode: 0o777 });
      return stage;
    } catch (err) {
      if (errno(err) === 'EEXIST') continue;
      throw new UsageError(`--out: cannot write in ${path.dirname(out)} (${errno(err)})`);
    }
  }
}

/** Test hook: die abruptly at a named step of the swap (ROOTWATCH_TEST_KILL_AT), as a power cut would. */
function crashPoint(step: string): void {
  if (process.env.ROOTWATCH_TEST_KILL_AT === step) process.kill(process.pid, 'SIGKILL');
}

/**
 * Replace `out` with `stage` (both in one folder, under the lock): journal, two renames, the user
 * files carried over, the old tree removed, journal removed. Recoverable at every step (recover()).
 */
export function swapIn(stage: string, out: string): void {
  const old = `${stage}.old`;
  const hadOld = fs.existsSync(out);
  const journal: Journal = { stage: path.basename(stage), old: path.basename(old), hadOld };
  writeAtomically(journalFile(out), JSON.stringify(journal));
  if (hadOld) fs.renameSync(out, old);
  crashPoint('between-renames');
  try {
    fs.renameSync(stage, out);
  } catch (err) {
    if (hadOld) fs.renameSync(old, out);
    fs.rmSync(journalFile(out), { force: true });
    throw err;
  }
  crashPoint('after-renames');
  if (hadOld) {
    carryUserFiles(old, out);
    fs.rmSync(old, { recursive: true, force: true });
  }
  fs.rmSync(journalFile(out), { force: true });
}

/**
 * Repair what an interrupted synth left (call under the lock): finish or undo a swap the journal
 * records, then remove stale staging folders. Returns what it did, for one line on stderr.
 */
export function recover(out: string): string | undefined {
  const parent = path.dirname(out);
  let done: string | undefined;
  const j = readJournal(out);
  if (j) {
    const old = path.join(parent, j.old);
    if (j.hadOld && !fs.existsSync(out) && fs.existsSync(old)) {
      fs.renameSync(old, out);
      done = `restored ${out} (a synth was interrupted while swapping it)`;
    } else if (j.hadOld && fs.existsSync(out) && fs.existsSync(old)) {
      carryUserFiles(old, out);
      fs.rmSync(old, { recursive: true, force: true });
      done = `completed the interrupted swap of ${out}`;
    }
  }
  // done, or damaged (names that are not this folder's staging names): never followed, removed
  fs.rmSync(journalFile(out), { force: true });
  let stale = 0;
  let names: string[] = [];
  try {
    names = fs.readdirSync(parent);
  } catch {
    /* no parent yet */
  }
  const base = path.basename(out);
  for (const name of names) {
    const leftover = name.startsWith(stagingPrefix(out)) || (name.startsWith(`.${base}.`) && name.endsWith('.tmp') && !name.startsWith(`.${base}.lock.`));
    if (leftover) {
      fs.rmSync(path.join(parent, name), { recursive: true, force: true });
      stale++;
    } else if (name.startsWith(`.${base}.lock.`) && name.endsWith('.tmp')) {
      // a lock candidate of a process that died between writing and linking it
      const pid = Number(/\.lock\.(\d+)-/.exec(name)?.[1]);
      if (!processAlive(pid)) fs.rmSync(path.join(parent, name), { force: true });
    }
  }
  if (stale > 0 && !done) done = `removed ${stale} staging folder(s) of interrupted syntheses next to ${out}`;
  return done;
}

function readJournal(out: string): Journal | undefined {
  try {
    const j = JSON.parse(fs.readFileSync(journalFile(out), 'utf8')) as Partial<Journal>;
    const simple = (s: unknown): s is string => typeof s === 'string' && s.startsWith(stagingPrefix(out)) && !s.includes('/');
    if (!simple(j.stage) || !simple(j.old) || typeof j.hadOld !== 'boolean') return undefined;
    return { stage: j.stage, old: j.old, hadOld: j.hadOld };
  } catch {
    return undefined;
  }
}

/** Anything an interrupted synth may have left next to `out` (a cheap check for commands other than synth). */
function needsRecovery(out: string): boolean {
  if (fs.existsSync(journalFile(out))) return true;
  // a lock whose holder died (a synth killed before it could release it) is a leftover too
  const holder = readHolder(lockFile(out));
  if (holder && !holderAlive(holder)) return true;
  const base = path.basename(out);
  try {
    return fs
      .readdirSync(path.dirname(out))
      .some((n) => n.startsWith(stagingPrefix(out)) || (n.startsWith(`.${base}.lock.`) && n.endsWith('.tmp') && !processAlive(Number(/\.lock\.(\d+)-/.exec(n)?.[1]))));
  } catch {
    return false;
  }
}

/** What every rootwatch command does first: repair the default output folder if a synth was interrupted there. */
export function recoverQuietly(out: string): string | undefined {
  const abs = path.resolve(out);
  if (!needsRecovery(abs)) return undefined;
  const lock = OutputLock.tryAcquire(abs);
  if (!lock) return undefined; // a synth is running there: it is not ours to touch
  try {
    return recover(abs);
  } finally {
    lock.release();
  }
}
