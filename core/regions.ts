/**
 * AWS commercial regions rootwatch knows. `DEFAULT_REGIONS` are the 17 regions enabled by
 * default in every account (opt-in regions must be listed explicitly in the config).
 */
export const DEFAULT_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
  'ca-central-1', 'sa-east-1',
  'eu-central-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-north-1',
  'ap-south-1', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-southeast-1', 'ap-southeast-2',
] as const;

/** Opt-in commercial regions (must be enabled in the account before rules can be created there). */
const OPT_IN_REGIONS = [
  'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-south-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5',
  'ap-southeast-7', 'ca-west-1', 'eu-central-2', 'eu-south-1', 'eu-south-2', 'il-central-1', 'me-central-1',
  'me-south-1', 'mx-central-1',
] as const;

export const KNOWN_REGIONS: readonly string[] = [...DEFAULT_REGIONS, ...OPT_IN_REGIONS];

/** Console sign-ins and global-service events are recorded here; it is always monitored. */
export const SIGNIN_REGION = 'us-east-1';

/** A provider alias / identifier form of a region: `us-east-1` -> `us_east_1`. */
export function regionId(region: string): string {
  return region.replace(/-/g, '_');
}
