/** Entry points of the generator: the reusable modules and the deploy roots over them. */
export { buildDeployApp, spokeStackName, DeployPart, ModuleCatalog, HubStack, SpokeStack, GuardrailsStack } from './roots';
export { buildModulesApp, MODULE_NAMES, ModuleName } from './module-stacks';
