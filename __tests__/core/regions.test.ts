import schema from '../../rootwatch.schema.json';
import { DEFAULT_REGIONS, KNOWN_REGIONS, regionId, SIGNIN_REGION } from '../../core/regions';

describe('regions', () => {
  it('the schema accepts exactly the regions rootwatch knows (one list, two places, kept equal)', () => {
    const enums = [
      schema.properties.regions.items.enum,
      schema.properties.hub.properties.region.enum,
      schema.properties.spokes.items.properties.regions.items.enum,
    ];
    for (const e of enums) expect([...e].sort()).toEqual([...KNOWN_REGIONS].sort());
  });

  it('the default set is the 17 regions enabled by default, us-east-1 among them', () => {
    expect(DEFAULT_REGIONS).toHaveLength(17);
    expect(DEFAULT_REGIONS).toContain(SIGNIN_REGION);
  });

  it('provider aliases are identifiers', () => {
    expect(regionId('ap-southeast-2')).toBe('ap_southeast_2');
  });
});
