/**
 * Large organizations synthesize their spoke stacks in worker processes. The result must be the
 * very bytes a single process writes, and a failing worker must fail the synth atomically.
 */
import * as path from 'path';
import { spokeSlices, synthesize } from '../../cli/synth';
import { checkConfig } from '../../cli/load-config';
import { RootwatchConfig } from '../../core/config';
import { exampleRaw, FIXTURES, manySpokes } from '../helpers/configs';
import { ensureDist } from '../helpers/cli';
import { firstDifference, hashTree, rmrf, stagingLeftovers, tempDir } from '../helpers/tree';

let tmp: string;
beforeAll(() => {
  ensureDist(); // workers run the built dist/cli/synth-worker.js
  tmp = tempDir('parallel');
});
afterAll(() => rmrf(tmp));

function sevenSpokes(): RootwatchConfig {
  const raw = exampleRaw();
  raw.spokes = [...raw.spokes, ...manySpokes(5)];
  return checkConfig(raw, FIXTURES);
}

describe('spokeSlices', () => {
  it.each([
    [7, 1, [[0, 7]]],
    [7, 2, [[0, 4], [4, 7]]],
    [7, 3, [[0, 3], [3, 6], [6, 7]]],
    [2, 4, [[0, 1], [1, 2]]],
    [0, 2, [[0, 0]]],
  ])('%i spokes in %i slices', (count, n, expected) => {
    expect(spokeSlices(count, n)).toEqual(expected);
  });
});

describe('parallel synthesis', () => {
  it('writes byte for byte what one process writes, with 2 and 3 workers', async () => {
    const config = sevenSpokes();
    const one = path.join(tmp, 'one', 'terraform-out');
    await synthesize(config, one, { workers: 1 });
    for (const workers of [2, 3]) {
      const many = path.join(tmp, `w${workers}`, 'terraform-out');
      const result = await synthesize(config, many, { workers });
      expect(result.stacks).toHaveLength(1 + 7 + 1);
      expect(firstDifference(hashTree(one), hashTree(many), ['1 worker', `${workers} workers`])).toBeUndefined();
      expect(stagingLeftovers(path.dirname(many))).toEqual([]);
    }
  });

  it('a failing worker fails the synth with its message and leaves the previous output as it was', async () => {
    const config = sevenSpokes();
    const out = path.join(tmp, 'fail', 'terraform-out');
    await synthesize(config, out, { workers: 1 });
    const before = hashTree(out);
    // passes the schema's shape but not the construct's check, in the last spoke: a worker's slice
    const broken: RootwatchConfig = { ...config, spokes: config.spokes.map((s, i) => (i === 6 ? { ...s, cisLogGroupName: 'not a log group!' } : s)) };
    await expect(synthesize(broken, out, { workers: 2 })).rejects.toThrow(/^synth worker for spokes 4-6 failed: CisRootAlarm\.logGroupName/);
    expect(hashTree(out)).toEqual(before);
    expect(stagingLeftovers(path.dirname(out))).toEqual([]);
  });
});
