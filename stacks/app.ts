/** Entry points of the generator: the reusable modules and the deploy roots over them. */
export { buildDeployApp, spokeStackName, HubStack, SpokeStack, GuardrailsStack } from './roots';
export type { ModuleCatalog } from './roots';
export { buildModulesApp } from './module-stacks';
export type { ModuleName } from './module-stacks';
