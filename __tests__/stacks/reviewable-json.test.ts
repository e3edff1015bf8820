/**
 * The compact reviewable JSON of the deploy roots and the manifest (stacks/reviewable-json.ts):
 * the same data as cdktf's indented form, the top levels one key per line, and below them one line
 * per provider, argument, validation or moved block, so a change is a one-line diff.
 */
import * as fs from 'fs';
import * as path from 'path';
import { reviewableJson } from '../../stacks/reviewable-json';
import { REPO } from '../helpers/configs';

const out = path.join(REPO, 'terraform-out');
const read = (rel: string) => fs.readFileSync(path.join(out, rel), 'utf8');

describe('reviewableJson', () => {
  it('writes the committed spoke root and manifest byte for byte from their data', () => {
    const root = read('stacks/spoke-prod/cdk.tf.json');
    expect(reviewableJson(JSON.parse(root))).toBe(root);
    const manifest = read('manifest.json');
    expect(reviewableJson(JSON.parse(manifest), 2)).toBe(manifest);
  });

  it('puts each provider, module argument, variable validation and moved block on one line', () => {
    const root = read('stacks/spoke-prod/cdk.tf.json');
    const tf = JSON.parse(root);
    const lines = root.split('\n');
    for (const p of tf.provider.aws) expect(lines.filter((l) => l.includes(`"alias":"${p.alias}"`))).toHaveLength(1);
    for (const [k, v] of Object.entries<unknown>(tf.module.spoke)) expect(lines).toContain(`      ${JSON.stringify(k)}: ${JSON.stringify(sorted(v))},`.replace(/,$/, lines.includes(`      ${JSON.stringify(k)}: ${JSON.stringify(sorted(v))}`) ? '' : ','));
    expect(lines.filter((l) => l.includes('"validation": [{"condition"'))).toHaveLength(Object.keys(tf.variable).length);
    for (const m of tf.moved ?? []) expect(lines.filter((l) => l.includes(`"from":"${m.from}"`))).toHaveLength(1);
  });

  it('sorts keys, drops undefined, keeps the top levels indented and empty containers short', () => {
    expect(reviewableJson({ b: { y: { q: [1, { z: 1, a: undefined }] }, x: {} }, a: [] })).toBe('{\n  "a": [],\n  "b": {\n    "x": {},\n    "y": {\n      "q": [1,{"z":1}]\n    }\n  }\n}');
  });
});

/** JSON with keys sorted at every level, as the writer sorts them. */
function sorted(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted((v as Record<string, unknown>)[k])]));
  return v;
}
