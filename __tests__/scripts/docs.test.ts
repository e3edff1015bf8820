import * as fs from 'fs';
import * as path from 'path';
import { configReference, fillSections, generatedSections, lambdaPermissions } from '../../scripts/docs';

const root = path.resolve(__dirname, '..', '..');

describe('README generated sections', () => {
  it('are up to date (run `npm run docs` after changing the schema, modules, diagram or formats)', async () => {
    const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
    expect(fillSections(readme, await generatedSections())).toBe(readme);
  });

  it('lambdas/README.md lists the permissions of core/lambda-contract.ts (run `npm run docs`)', () => {
    const readme = fs.readFileSync(path.join(root, 'lambdas', 'README.md'), 'utf8');
    expect(fillSections(readme, { permissions: lambdaPermissions() })).toBe(readme);
    expect(lambdaPermissions()).toContain('| `slack` | secret: `ssm:GetParameter` | ownLogs: `logs:CreateLogStream`, `logs:PutLogEvents`<br>failureDestination: `sqs:SendMessage`<br>secretKey: `kms:Decrypt` |');
  });

  it('a stale section is detected and replaced', () => {
    const stale = 'a\n<!-- BEGIN GENERATED: x -->\nold\n<!-- END GENERATED: x -->\nb\n';
    expect(fillSections(stale, { x: 'new' })).toBe('a\n<!-- BEGIN GENERATED: x -->\nnew\n<!-- END GENERATED: x -->\nb\n');
  });

  it('a missing marker is an error, not a silent skip', () => {
    expect(() => fillSections('no markers', { diagram: 'x' })).toThrow('README.md has no generated section "diagram"');
  });

  it('the config reference lists every field of the schema with its default', () => {
    const ref = configReference();
    for (const field of ['`namePrefix`', '`hub.accountId`', '`spokes[].assumeRoleArn`', '`alerts.foldWindowMinutes`', '`guardrails.trail.objectLockDays`']) {
      expect(ref).toContain(field);
    }
    expect(ref).toMatch(/`alerts\.foldWindowMinutes` \| integer \| `15` \|/);
  });
});
