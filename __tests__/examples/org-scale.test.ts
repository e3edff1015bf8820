import * as path from 'path';
import { loadConfig } from '../../cli/load-config';

const file = path.resolve(__dirname, '..', '..', 'examples', 'org-scale', 'rootwatch.config.json');

describe('examples/org-scale: spokes from an OU export', () => {
  const config = loadConfig(file);

  it('enrolls the active accounts of the export, skipping suspended ones', () => {
    expect(config.spokes.map((s) => s.accountId).sort()).toEqual(['555555555555', '666666666666']);
  });

  it('an explicitly listed account keeps its own role and external ID', () => {
    const explicit = config.spokes.find((s) => s.accountId === '555555555555')!;
    expect(explicit).toMatchObject({ name: 'payments-prod', assumeRoleArn: 'arn:aws:iam::555555555555:role/rootwatch-deployer', externalId: 'payments-external-id' });
  });

  it('OU accounts assume the OU role and are named in alerts by their organization name', () => {
    const fromOu = config.spokes.find((s) => s.accountId === '666666666666')!;
    expect(fromOu.assumeRoleArn).toBe('arn:aws:iam::666666666666:role/OrganizationAccountAccessRole');
    expect(config.accountNames['666666666666']).toBe('Payments staging');
  });

  it('every OU spoke covers every default region, us-east-1 first', () => {
    for (const s of config.spokes) {
      expect(s.regions[0]).toBe('us-east-1');
      expect(s.regions).toHaveLength(17);
    }
  });
});
