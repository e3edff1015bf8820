/** Names shared by the module stacks and the roots that call them (no construct code: cheap to load). */

/** Module folder names under terraform-out/modules. */
export const MODULE_NAMES = ['hub', 'account', 'spoke-region', 'guardrails'] as const;
export type ModuleName = (typeof MODULE_NAMES)[number];

/** Construct-id suffix of the region-scoped resources in spoke-region (today's stacks used the region itself). */
export const REGION_KEY = 'region';
