/**
 * Secrets (Slack webhook URLs, PagerDuty routing keys, AWS keys) must never reach synthesized
 * Terraform: not in resources, variables, Lambda environments, nor anywhere else in terraform-out/.
 * The Lambdas read them from SSM at run time; Terraform only knows the parameter names.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadConfig } from '../../cli/load-config';
import { synthesize } from '../../cli/synth';

const root = path.resolve(__dirname, '..', '..');

const SECRET_PATTERNS: Array<[string, RegExp]> = [
  ['Slack webhook URL', /hooks\.slack\.com\/(services|workflows)\//i],
  ['Slack token', /\bxox[abpors]-[A-Za-z0-9-]{10,}/],
  ['PagerDuty routing key', /"(routing_key|integration_key|routingKey)"\s*:\s*"[A-Za-z0-9]{32}"/],
  ['AWS access key id', /\b(AKIA|ASIA)[A-Z0-9]{16}\b/],
  ['AWS secret key', /aws_secret_access_key|secret_key"\s*:\s*"[A-Za-z0-9/+]{40}"/i],
  ['private key', /-----BEGIN [A-Z ]*PRIVATE KEY-----/],
];

function textFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return textFiles(p);
    return p.endsWith('.json') ? [p] : [];
  });
}

function scan(dir: string): string[] {
  const hits: string[] = [];
  for (const f of textFiles(dir)) {
    const text = fs.readFileSync(f, 'utf8');
    for (const [what, re] of SECRET_PATTERNS) if (re.test(text)) hits.push(`${path.relative(dir, f)}: ${what}`);
  }
  return hits;
}

describe('no secrets in terraform-out', () => {
  it('the committed terraform-out/ holds no secret-looking value', () => {
    expect(scan(path.join(root, 'terraform-out'))).toEqual([]);
  });

  it('Lambda environments carry SSM parameter names only', () => {
    const hub = JSON.parse(fs.readFileSync(path.join(root, 'terraform-out', 'modules', 'hub', 'main.tf.json'), 'utf8'));
    const fns = Object.values<{ environment: { variables: Record<string, string> } }>(hub.resource.aws_lambda_function);
    const vars = Object.assign({}, ...fns.map((f) => f.environment.variables));
    // The module takes parameter names as inputs; the hub root passes the config's names.
    expect(vars.ROOTWATCH_SLACK_WEBHOOK_PARAMETER).toBe('${var.slack_webhook_parameter_name}');
    expect(vars.ROOTWATCH_PAGERDUTY_ROUTING_KEY_PARAMETER).toBe('${var.pagerduty_routing_key_parameter_name}');
    const hubRoot = JSON.parse(fs.readFileSync(path.join(root, 'terraform-out', 'stacks', 'hub', 'cdk.tf.json'), 'utf8'));
    expect(hubRoot.module.hub.slack_webhook_parameter_name).toBe('/rootwatch/slack/webhook-url');
    expect(hubRoot.module.hub.pagerduty_routing_key_parameter_name).toBe('/rootwatch/pagerduty/routing-key');
    for (const [k, v] of Object.entries<string>(vars)) expect([k, /^https?:\/\//.test(v)]).toEqual([k, false]);
  });

  it('the scan finds a webhook URL or routing key when one slips in (the scan can fail)', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootwatch-scan-'));
    try {
      fs.writeFileSync(path.join(dir, 'a.tf.json'), JSON.stringify({ x: 'https://hooks.slack.com/services/T000/B000/XXXX' }));
      fs.writeFileSync(path.join(dir, 'b.tf.json'), JSON.stringify({ routing_key: 'R0123456789abcdef0123456789abcde' }));
      expect(scan(dir)).toEqual(['a.tf.json: Slack webhook URL', 'b.tf.json: PagerDuty routing key']);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a config cannot carry a secret value where a parameter name belongs', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'rootwatch-scan-'));
    try {
      const cfg = JSON.parse(fs.readFileSync(path.join(root, 'rootwatch.config.json'), 'utf8'));
      cfg.alerts.slack.webhookParameterName = 'https://hooks.slack.com/services/T000/B000/XXXX';
      const file = path.join(dir, 'c.json');
      fs.writeFileSync(file, JSON.stringify(cfg));
      expect(() => loadConfig(file)).toThrow(/^alerts\.slack\.webhookParameterName: must be an SSM parameter name/);
      await synthesize(loadConfig(path.join(root, 'rootwatch.config.json')), path.join(dir, 'out'));
      expect(scan(path.join(dir, 'out'))).toEqual([]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
