/** Terraform JSON -> HCL for the plain-Terraform roots (terraform plans them in terraform-validate.test.ts). */
import { bareExpression, hclString, toHcl } from '../../cli/hcl';

describe('toHcl', () => {
  it('writes a whole interpolation as the bare expression, anything else as a template string', () => {
    expect(bareExpression('${var.a}')).toBe('var.a');
    expect(bareExpression('${var.a == null ? [] : [var.a]}')).toBe('var.a == null ? [] : [var.a]');
    expect(bareExpression('${var.a}-${var.b}')).toBeUndefined();
    expect(bareExpression('arn:${var.a}')).toBeUndefined();
    expect(hclString('say "hi"\\n\n')).toBe('"say \\"hi\\"\\\\n\\n"');
  });

  it('renders blocks, nested blocks, providers maps and moved blocks as HCL', () => {
    const hcl = toHcl({
      provider: { aws: [{ alias: 'eu', region: 'eu-west-1', assume_role: [{ role_arn: '${var.r}' }] }] },
      variable: { r: { type: 'string', validation: [{ condition: '${length(var.r) > 0}', error_message: 'r: empty' }] } },
      module: { m: { source: '../x', providers: { aws: 'aws.eu' }, list: ['a', '${var.r}'], '//': { skip: true } } },
      moved: [{ from: 'aws_x.a_1234ABCD', to: 'module.m.aws_x.a' }],
    });
    expect(hcl).toContain('provider "aws" {\n  alias = "eu"\n  region = "eu-west-1"\n  assume_role {\n    role_arn = var.r\n  }\n}');
    expect(hcl).toContain('  type = string\n  validation {\n    condition = length(var.r) > 0\n    error_message = "r: empty"\n  }');
    expect(hcl).toContain('  providers = {\n    aws = aws.eu\n  }');
    expect(hcl).toContain('  list = ["a", var.r]');
    expect(hcl).not.toContain('skip');
    expect(hcl).toContain('moved {\n  from = aws_x.a_1234ABCD\n  to   = module.m.aws_x.a\n}');
  });

  it('renders import and removed blocks, and depends_on as bare references (Terraform refuses quoted ones in HCL)', () => {
    const hcl = toHcl({
      module: { m: { source: '../x', depends_on: ['module.n', '${module.o}'] } },
      import: [{ to: 'module.m.aws_x.a["k/1"]', id: 'arn:aws:x:::y' }],
      removed: [{ from: 'aws_x.old_1234ABCD', lifecycle: { destroy: false } }],
    });
    expect(hcl).toContain('  depends_on = [module.n, module.o]');
    expect(hcl).toContain('import {\n  to = module.m.aws_x.a["k/1"]\n  id = "arn:aws:x:::y"\n}');
    expect(hcl).toContain('removed {\n  from = aws_x.old_1234ABCD\n  lifecycle {\n    destroy = false\n  }\n}');
  });
});
