import { App } from 'cdktf';
import { RootwatchConfig, SpokeConfig } from '../core/config';
import { HubStack } from './hub-stack';
import { SpokeStack } from './spoke-stack';
import { GuardrailsStack } from './guardrails-stack';
import { LambdaCodeSet } from './lambda-code';

/** Stack names users type (`cdktf deploy spoke-prod`); stable for a given config. */
export function spokeStackName(spoke: SpokeConfig): string {
  return `spoke-${spoke.name}`;
}

/** Which deploy stacks one app holds; stacks never refer to each other, so apps can split them. */
export interface DeployPart {
  readonly hub: boolean;
  readonly spokes: readonly SpokeConfig[];
  readonly guardrails: boolean;
}

/**
 * The deploy stacks: the hub, one spoke per monitored account (own state), the guardrails; all of
 * them unless `part` picks some (parallel synthesis splits the spokes between processes).
 */
export function buildDeployApp(outdir: string, config: RootwatchConfig, code: LambdaCodeSet, part?: DeployPart): App {
  const { hub, spokes, guardrails } = part ?? { hub: true, spokes: config.spokes, guardrails: true };
  const app = new App({ outdir });
  if (hub) new HubStack(app, 'hub', 'deploy', config, code);
  for (const spoke of spokes) new SpokeStack(app, spokeStackName(spoke), 'deploy', config, spoke);
  if (guardrails && config.orgGuardrails) new GuardrailsStack(app, 'guardrails', 'deploy', config, config.orgGuardrails);
  return app;
}

/** The reusable modules (hub, spoke), from the same stacks in module mode. */
export function buildModuleApp(outdir: string, config: RootwatchConfig, code: LambdaCodeSet): App {
  const app = new App({ outdir });
  new HubStack(app, 'hub', 'module', config, code);
  const template: SpokeConfig = { name: 'spoke', accountId: '', assumeRoleArn: '', regions: config.hub.regions };
  new SpokeStack(app, 'spoke', 'module', config, template);
  if (config.orgGuardrails) new GuardrailsStack(app, 'guardrails', 'module', config, config.orgGuardrails);
  return app;
}
