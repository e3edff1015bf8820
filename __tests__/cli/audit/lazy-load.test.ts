/**
 * `rootwatch synth` must not pay for the AWS SDK: importing the audit command loads no @aws-sdk
 * module; running it does. Kept in its own file so no other test has loaded the SDK into this
 * file's module registry.
 */
const sdkModules = () => Object.keys(require.cache).filter((k) => k.includes(`${'node_modules'}/@aws-sdk/`));

describe('lazy AWS SDK', () => {
  it('importing cli/audit loads no @aws-sdk module; running the audit does', async () => {
    expect(sdkModules()).toEqual([]);
    const audit = await import('../../../cli/audit');
    expect(typeof audit.runAudit).toBe('function');
    expect(sdkModules()).toEqual([]);

    // a fake STS client that has no credentials: the run stops at exit 2 without any network
    const noCredentials = {
      send: async () => {
        throw Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
      },
    };
    const fake = { sts: noCredentials, iam: noCredentials, account: noCredentials, cloudtrail: noCredentials, organizations: noCredentials };
    const out = await audit.runAudit({ json: false, clients: fake as never });
    expect(out.exitCode).toBe(2);
    expect(sdkModules().some((k) => k.includes('@aws-sdk/client-iam'))).toBe(true);
  });
});
