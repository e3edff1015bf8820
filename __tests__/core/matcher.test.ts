/**
 * The offline EventBridge pattern matcher, checked against the examples and rules of the
 * EventBridge user guide ("Event pattern syntax", "Comparison operators for use in event
 * patterns", "Content filtering", "Arrays in event patterns", "Matching null values").
 */
import { matchesPattern } from '../../core/matcher';

const ec2Event = {
  version: '0',
  id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
  'detail-type': 'EC2 Instance State-change Notification',
  source: 'aws.ec2',
  account: '111122223333',
  time: '2017-12-22T18:43:48Z',
  region: 'us-west-1',
  resources: ['arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0'],
  detail: {
    'instance-id': 'i-1234567890abcdef0',
    state: 'terminated',
    'c-count': 5,
    'd-count': 3,
    'x-limit': 301.8,
    'source-ip': '10.0.0.123',
    flag: true,
    empty: '',
    nothing: null,
    FileName: 'photo.PNG',
  },
};

describe('exact values', () => {
  it('matches when every named field matches (AND) and ignores fields not in the pattern', () => {
    expect(matchesPattern({ source: ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], detail: { state: ['terminated'] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ source: ['aws.ec2'], detail: { state: ['running'] } }, ec2Event)).toBe(false);
  });

  it('treats the values of one field as OR', () => {
    expect(matchesPattern({ source: ['aws.fargate', 'aws.ec2'] }, ec2Event)).toBe(true);
    expect(matchesPattern({ source: ['aws.fargate', 'aws.s3'] }, ec2Event)).toBe(false);
  });

  it('compares strings exactly and case-sensitively', () => {
    expect(matchesPattern({ source: ['AWS.EC2'] }, ec2Event)).toBe(false);
    expect(matchesPattern({ source: ['aws.ec'] }, ec2Event)).toBe(false);
  });

  it('compares numbers numerically and never equal to their string form', () => {
    expect(matchesPattern({ detail: { 'c-count': [5] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { 'c-count': [5.0] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { 'x-limit': [3.018e2] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { 'c-count': ['5'] } }, ec2Event)).toBe(false);
    expect(matchesPattern({ detail: { 'instance-id': [5] } }, ec2Event)).toBe(false);
  });

  it('matches booleans only against booleans', () => {
    expect(matchesPattern({ detail: { flag: [true] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { flag: [false] } }, ec2Event)).toBe(false);
    expect(matchesPattern({ detail: { flag: ['true'] } }, ec2Event)).toBe(false);
  });

  it('keeps null and the empty string apart', () => {
    expect(matchesPattern({ detail: { empty: [''] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { nothing: [null] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { empty: [null] } }, ec2Event)).toBe(false);
    expect(matchesPattern({ detail: { nothing: [''] } }, ec2Event)).toBe(false);
  });

  it('fails when a named field is missing', () => {
    expect(matchesPattern({ detail: { missing: ['x'] } }, ec2Event)).toBe(false);
    expect(matchesPattern({ nope: { deeper: ['x'] } }, ec2Event)).toBe(false);
  });

  it('an empty pattern matches every object', () => {
    expect(matchesPattern({}, ec2Event)).toBe(true);
    expect(matchesPattern({}, {})).toBe(true);
  });
});

describe('arrays in events', () => {
  it('matches when the pattern values and the event array intersect (user guide example)', () => {
    const pattern = {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    };
    const event = {
      resources: [
        'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
      ],
    };
    expect(matchesPattern(pattern, event)).toBe(true);
    expect(matchesPattern(pattern, { resources: ['arn:other'] })).toBe(false);
  });

  it('descends into arrays of objects, element by element', () => {
    const event = { detail: { items: [{ name: 'a', size: 1 }, { name: 'b', size: 2 }] } };
    expect(matchesPattern({ detail: { items: { name: ['b'] } } }, event)).toBe(true);
    expect(matchesPattern({ detail: { items: { name: ['b'], size: [2] } } }, event)).toBe(true);
    // both fields must hold within the same element
    expect(matchesPattern({ detail: { items: { name: ['a'], size: [2] } } }, event)).toBe(false);
    expect(matchesPattern({ detail: { items: { name: ['c'] } } }, event)).toBe(false);
  });

  it('treats an empty array as no value', () => {
    expect(matchesPattern({ resources: [{ exists: false }] }, { resources: [] })).toBe(true);
    expect(matchesPattern({ resources: [{ exists: true }] }, { resources: [] })).toBe(false);
    expect(matchesPattern({ resources: ['x'] }, { resources: [] })).toBe(false);
  });
});

describe('prefix, suffix, equals-ignore-case, wildcard', () => {
  it('prefix (user guide: time starting with 2017-10-02)', () => {
    expect(matchesPattern({ time: [{ prefix: '2017-10-02' }] }, { time: '2017-10-02T18:43:48Z' })).toBe(true);
    expect(matchesPattern({ time: [{ prefix: '2017-10-02' }] }, { time: '2017-10-03T18:43:48Z' })).toBe(false);
    expect(matchesPattern({ region: [{ prefix: 'us-' }] }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { 'c-count': [{ prefix: '5' }] } }, ec2Event)).toBe(false);
  });

  it('prefix and suffix with equals-ignore-case', () => {
    expect(matchesPattern({ source: [{ prefix: { 'equals-ignore-case': 'AWS.E' } }] }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { FileName: [{ suffix: { 'equals-ignore-case': '.png' } }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { FileName: [{ suffix: '.png' }] } }, ec2Event)).toBe(false);
    expect(matchesPattern({ detail: { FileName: [{ suffix: '.PNG' }] } }, ec2Event)).toBe(true);
  });

  it('equals-ignore-case', () => {
    expect(matchesPattern({ detail: { state: [{ 'equals-ignore-case': 'TERMINATED' }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { state: [{ 'equals-ignore-case': 'terminate' }] } }, ec2Event)).toBe(false);
    expect(matchesPattern({ detail: { 'c-count': [{ 'equals-ignore-case': '5' }] } }, ec2Event)).toBe(false);
  });

  it('wildcard', () => {
    expect(matchesPattern({ detail: { FileName: [{ wildcard: 'photo.*' }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { FileName: [{ wildcard: '*o*PNG' }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { FileName: [{ wildcard: '*/lib/*' }] } }, ec2Event)).toBe(false);
    expect(matchesPattern({ detail: { FileName: [{ wildcard: 'photo.PNG' }] } }, ec2Event)).toBe(true);
  });
});

describe('anything-but', () => {
  it('a single string or number (user guide)', () => {
    expect(matchesPattern({ detail: { state: [{ 'anything-but': 'initializing' }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { state: [{ 'anything-but': 'terminated' }] } }, ec2Event)).toBe(false);
    expect(matchesPattern({ detail: { 'c-count': [{ 'anything-but': 123 }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { 'c-count': [{ 'anything-but': 5 }] } }, ec2Event)).toBe(false);
  });

  it('a list of strings or numbers', () => {
    expect(matchesPattern({ detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { state: [{ 'anything-but': ['stopped', 'terminated'] }] } }, ec2Event)).toBe(false);
    expect(matchesPattern({ detail: { 'c-count': [{ 'anything-but': [100, 200, 300] }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { 'c-count': [{ 'anything-but': [1, 5] }] } }, ec2Event)).toBe(false);
  });

  it('with prefix, suffix and equals-ignore-case', () => {
    expect(matchesPattern({ detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { state: [{ 'anything-but': { prefix: 'term' } }] } }, ec2Event)).toBe(false);
    expect(matchesPattern({ region: [{ 'anything-but': { prefix: 'us-' } }] }, ec2Event)).toBe(false);
    expect(matchesPattern({ detail: { FileName: [{ 'anything-but': { suffix: '.PNG' } }] } }, ec2Event)).toBe(false);
    expect(matchesPattern({ detail: { FileName: [{ 'anything-but': { suffix: '.jpg' } }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { state: [{ 'anything-but': { 'equals-ignore-case': 'TERMINATED' } }] } }, ec2Event)).toBe(false);
    expect(matchesPattern({ detail: { state: [{ 'anything-but': { 'equals-ignore-case': ['Running', 'STOPPED'] } }] } }, ec2Event)).toBe(true);
  });

  it('does not match a missing field', () => {
    expect(matchesPattern({ detail: { missing: [{ 'anything-but': 'x' }] } }, ec2Event)).toBe(false);
  });
});

describe('numeric', () => {
  const pattern = (range: unknown[]) => ({ detail: { 'c-count': [{ numeric: range }] } });
  it('ranges (user guide: > 0 and <= 5)', () => {
    expect(matchesPattern(pattern(['>', 0, '<=', 5]), ec2Event)).toBe(true);
    expect(matchesPattern(pattern(['>', 5]), ec2Event)).toBe(false);
    expect(matchesPattern(pattern(['>=', 5]), ec2Event)).toBe(true);
    expect(matchesPattern(pattern(['<', 5]), ec2Event)).toBe(false);
    expect(matchesPattern(pattern(['=', 5]), ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { 'x-limit': [{ numeric: ['=', 3.018e2] }] } }, ec2Event)).toBe(true);
  });

  it('the complex user-guide example', () => {
    const complex = {
      time: [{ prefix: '2017-12-22' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
      },
    };
    expect(matchesPattern(complex, ec2Event)).toBe(true);
    expect(matchesPattern(complex, { ...ec2Event, detail: { ...ec2Event.detail, 'd-count': 10 } })).toBe(false);
  });

  it('only applies to numbers, and rejects malformed ranges', () => {
    expect(matchesPattern(pattern(['>', 0]), { detail: { 'c-count': '5' } })).toBe(false);
    expect(matchesPattern(pattern(['>']), ec2Event)).toBe(false);
    expect(matchesPattern(pattern(['~', 1]), ec2Event)).toBe(false);
    expect(matchesPattern(pattern(['>', '0']), ec2Event)).toBe(false);
    expect(matchesPattern({ detail: { 'c-count': [{ numeric: 'nope' }] } }, ec2Event)).toBe(false);
  });
});

describe('cidr', () => {
  it('IPv4 ranges (user guide: 10.0.0.0/24)', () => {
    expect(matchesPattern({ detail: { 'source-ip': [{ cidr: '10.0.0.0/24' }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { 'source-ip': [{ cidr: '10.0.1.0/24' }] } }, ec2Event)).toBe(false);
    expect(matchesPattern({ detail: { 'source-ip': [{ cidr: '0.0.0.0/0' }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { 'source-ip': [{ cidr: 'nonsense' }] } }, ec2Event)).toBe(false);
  });
});

describe('exists', () => {
  it('exists:false matches a missing field and a non-leaf (user guide)', () => {
    expect(matchesPattern({ detail: { missing: [{ exists: false }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { 'c-count': [{ exists: false }] } }, { detail: { 'c-count': { c1: 100 } } })).toBe(true);
    expect(matchesPattern({ detail: { 'c-count': [{ exists: false }] } }, ec2Event)).toBe(false);
  });

  it('exists:true matches any leaf value and nothing else', () => {
    expect(matchesPattern({ detail: { state: [{ exists: true }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { empty: [{ exists: true }] } }, ec2Event)).toBe(true);
    expect(matchesPattern({ detail: { missing: [{ exists: true }] } }, ec2Event)).toBe(false);
    expect(matchesPattern({ detail: { 'c-count': [{ exists: true }] } }, { detail: { 'c-count': { c1: 100 } } })).toBe(false);
  });

  it('a nested pattern under a missing object can still match through exists:false', () => {
    expect(matchesPattern({ detail: { userIdentity: { invokedBy: [{ exists: false }] } } }, { detail: {} })).toBe(true);
    expect(matchesPattern({ detail: { userIdentity: { invokedBy: [{ exists: false }] } } }, { detail: { userIdentity: { invokedBy: 'x' } } })).toBe(false);
  });

  it('only exists:false matches missing fields', () => {
    for (const m of ['x', 1, true, null, { prefix: '' }, { suffix: '' }, { 'anything-but': 'x' }, { numeric: ['>', 0] }, { 'equals-ignore-case': '' }]) {
      expect(matchesPattern({ detail: { missing: [m] } }, ec2Event)).toBe(false);
    }
  });
});

describe('$or', () => {
  it('at the top level', () => {
    const p = { source: ['aws.ec2'], $or: [{ region: ['eu-west-1'] }, { detail: { state: ['terminated'] } }] };
    expect(matchesPattern(p, ec2Event)).toBe(true);
    expect(matchesPattern({ ...p, source: ['aws.s3'] }, ec2Event)).toBe(false);
    expect(matchesPattern({ $or: [{ region: ['eu-west-1'] }, { detail: { state: ['running'] } }] }, ec2Event)).toBe(false);
  });

  it('nested inside an object, with numeric and exists alternatives', () => {
    const p = { detail: { $or: [{ 'c-count': [{ numeric: ['>', 10] }] }, { 'd-count': [{ numeric: ['<', 4] }] }] } };
    expect(matchesPattern(p, ec2Event)).toBe(true);
    const q = { detail: { $or: [{ 'c-count': [{ numeric: ['>', 10] }] }, { missing: [{ exists: true }] }] } };
    expect(matchesPattern(q, ec2Event)).toBe(false);
  });

  it('malformed $or never matches', () => {
    expect(matchesPattern({ $or: [] }, ec2Event)).toBe(false);
    expect(matchesPattern({ $or: 'x' }, ec2Event)).toBe(false);
    expect(matchesPattern({ $or: [1, 'a'] }, ec2Event)).toBe(false);
  });
});

describe('robustness', () => {
  it('never matches (and never throws on) non-object events', () => {
    for (const ev of [null, undefined, 0, 1, '', 'aws.ec2', true, [], [ec2Event], () => 1, Symbol('x')]) {
      expect(matchesPattern({ source: ['aws.ec2'] }, ev)).toBe(false);
    }
  });

  it('an empty pattern matches only objects', () => {
    expect(matchesPattern({}, [])).toBe(false);
    expect(matchesPattern({}, null)).toBe(false);
  });

  it('rejects malformed patterns instead of throwing', () => {
    const bad: unknown[] = [null, undefined, 5, 'x', [], { source: 'aws.ec2' }, { source: 5 }, { source: [{}] }, { source: [{ unknownOp: 1 }] }, { source: [{ prefix: 1 }] }, { source: [{ prefix: 'a', suffix: 'b' }] }];
    for (const p of bad) {
      expect(() => matchesPattern(p as never, ec2Event)).not.toThrow();
      expect(matchesPattern(p as never, ec2Event)).toBe(false);
    }
  });

  it('does not see inherited properties', () => {
    expect(matchesPattern({ constructor: [{ exists: true }] }, {})).toBe(false);
    expect(matchesPattern({ toString: [{ exists: false }] }, {})).toBe(true);
    const pattern = JSON.parse('{"__proto__": ["x"]}');
    expect(matchesPattern(pattern, JSON.parse('{"__proto__": "x"}'))).toBe(true);
    expect(matchesPattern(pattern, {})).toBe(false);
  });

  it('survives huge strings and deep nesting in events', () => {
    let deep: unknown = 'Root';
    for (let i = 0; i < 5000; i++) deep = [deep];
    expect(() => matchesPattern({ detail: { userIdentity: { type: ['Root'] } } }, { detail: { userIdentity: { type: deep } } })).not.toThrow();
    const huge = 'R'.repeat(200_000);
    expect(matchesPattern({ detail: { type: [{ prefix: 'RR' }] } }, { detail: { type: huge } })).toBe(true);
    expect(matchesPattern({ detail: { type: [{ wildcard: '*R*R*x' }] } }, { detail: { type: huge } })).toBe(false);
  });
});
