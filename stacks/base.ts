import { Construct } from 'constructs';
import * as fs from 'fs';
import * as path from 'path';
import { ISynthesisSession, IStackSynthesizer, LocalBackend, S3Backend, TerraformHclModule, TerraformOutput, TerraformProvider, TerraformStack, TerraformVariable } from 'cdktf';
import { reviewableJson } from './reviewable-json';
import { makeUniqueId, stackToTerraform } from './cdktf-internals';

import { RootwatchConfig } from '../core/config';
import { AWS_PROVIDER_RANGE, TERRAFORM_REQUIRED_VERSION } from './versions';
import type { ModuleName } from './module-stacks';
import type { ModuleResourceAddress } from './module-stack';

/** Where the roots find the modules: terraform-out/{stacks,plain-terraform}/<root>/ -> terraform-out/modules/<name>. */
const MODULE_SOURCE = (name: string) => `../../modules/${name}`;

/** A `moved` block: from an address of the pre-module deploy stacks to the module resource that replaces it. */
export interface Moved { readonly from: string; readonly to: string }

/** The settings rootwatch gives a root's aws providers. */
export interface RootProviderConfig {
  readonly region: string;
  readonly alias?: string;
  readonly allowedAccountIds?: string[];
  readonly assumeRole?: Array<{ readonly roleArn: string; readonly sessionName?: string; readonly externalId?: string }>;
  readonly defaultTags?: Array<{ readonly tags: Record<string, string> }>;
}

/**
 * The aws provider of a root: written straight from the few settings rootwatch gives (the same
 * JSON cdktf writes for them). cdktf's AwsProvider sets and snake-cases each of its ~60 settings,
 * set or not, and a 1,000-account synth builds 17,000 providers: its constructor and toTerraform
 * were a sixth of that synth (node --cpu-prof).
 */
export class RootProvider extends TerraformProvider {
  private readonly settings: Record<string, unknown>;
  private readonly providerAlias?: string;

  constructor(scope: Construct, id: string, config: RootProviderConfig) {
    super(scope, id, { terraformResourceType: 'aws', terraformGeneratorMetadata: { providerName: 'aws', providerVersion: AWS_PROVIDER_VERSION }, terraformProviderSource: 'aws' });
    this.providerAlias = config.alias;
    this.settings = {
      region: config.region,
      ...(config.allowedAccountIds ? { allowed_account_ids: config.allowedAccountIds } : {}),
      ...(config.assumeRole ? { assume_role: config.assumeRole.map((r) => ({ role_arn: r.roleArn, ...(r.sessionName !== undefined ? { session_name: r.sessionName } : {}), ...(r.externalId !== undefined ? { external_id: r.externalId } : {}) })) } : {}),
      ...(config.defaultTags ? { default_tags: config.defaultTags.map((d) => ({ tags: d.tags })) } : {}),
    };
  }

  get alias(): string | undefined {
    return this.providerAlias;
  }

  toTerraform(): any {
    return {
      terraform: { required_providers: { aws: { version: AWS_PROVIDER_VERSION, source: 'aws' } } },
      provider: { aws: [{ ...this.settings, ...(this.providerAlias !== undefined ? { alias: this.providerAlias } : {}) }] },
    };
  }
}

/** The provider version @cdktf/provider-aws binds (required_providers is rewritten to AWS_PROVIDER_RANGE in every root). */
const AWS_PROVIDER_VERSION = '5.100.0';

/*
 * A root's references to its variables and module outputs are written as the Terraform expressions
 * themselves (`${var.x}`, `${module.m.o}`) rather than as cdktf tokens: the same text once resolved,
 * but resolving tens of thousands of tokens was a fifth of a 1,000-account synth.
 */
class RootVariable extends TerraformVariable {
  get stringValue(): string {
    return `\${var.${this.friendlyUniqueId}}`;
  }
}

class RootModule extends TerraformHclModule {
  get(output: string): any {
    return `\${module.${this.friendlyUniqueId}.${output}}`;
  }
}

/**
 * Base of every deploy root (`cdktf deploy`): providers, backend, variables, and one call per
 * module instance. No resource is declared here: everything lives in terraform-out/modules, so a
 * deploy applies exactly what plain-Terraform users run.
 */
export abstract class RootwatchStack extends TerraformStack {
  private readonly movedBlocks: Moved[] = [];

  protected constructor(scope: Construct, id: string, protected readonly config: RootwatchConfig) {
    super(scope, id);
    this.synthesizer = new RootSynthesizer(this);
  }

  /** A provider per region, alias `<region with _>`; `aws` (no alias) is the first region. */
  protected regionProviders(regions: readonly string[], base: Omit<RootProviderConfig, 'region' | 'alias'>): Map<string, RootProvider> {
    const providers = new Map<string, RootProvider>();
    const withTags = Object.keys(this.config.tags).length > 0 ? { defaultTags: [{ tags: this.config.tags }] } : {};
    for (const region of regions) {
      const alias = region.replace(/-/g, '_');
      providers.set(region, new RootProvider(this, `aws-${alias}`, { ...base, ...withTags, region, alias }));
    }
    return providers;
  }


  /** A variable users type by name: the logical id is exactly `name`. */
  protected variable(name: string, spec: { description: string; default?: string | null; nullable?: boolean; validation: { condition: string; errorMessage: string } }): TerraformVariable {
    // Not nullable needs no `nullable = false`: every root variable's validation rejects null with its own message.
    const v = new RootVariable(this, `var-${name}`, {
      type: 'string',
      description: spec.description,
      ...(spec.nullable ? { nullable: true } : {}),
      ...(typeof spec.default === 'string' ? { default: spec.default } : {}),
      validation: [spec.validation],
    });
    v.overrideLogicalId(name);
    if (spec.default === null) v.addOverride('default', null);
    return v;
  }

  /** `var.hub_account_id` (one of the four documented root variables), defaulting to the config's hub. */
  protected hubAccountIdVariable(description: string): string {
    return this.variable('hub_account_id', { description, default: this.config.hub.accountId, validation: ACCOUNT_ID_VALIDATION('hub_account_id') }).stringValue;
  }

  /** One module instance (`module.<id>`), its provider passed as the module's default `aws`. */
  module(id: string, name: ModuleName, provider: TerraformProvider, inputs: Record<string, unknown>): TerraformHclModule {
    return new RootModule(this, id, {
      source: MODULE_SOURCE(name),
      skipAssetCreationFromLocalModules: true,
      providers: [provider],
      variables: inputs,
    });
  }

  /** A call of a generated composition module (stacks/spoke-module.ts), one provider alias per region: `aws.<region id> = aws.<region id>`. */
  aliasedModule(id: string, folder: string, providers: readonly TerraformProvider[], inputs: Record<string, unknown>): TerraformHclModule {
    return new RootModule(this, id, {
      source: MODULE_SOURCE(folder),
      skipAssetCreationFromLocalModules: true,
      providers: providers.map((provider) => ({ provider, moduleAlias: provider.alias! })),
      variables: inputs,
    });
  }

  protected output(name: string, value: unknown, description: string): void {
    new TerraformOutput(this, `output-${name}`, { value, description }).overrideLogicalId(name);
  }

  /**
   * Migration blocks only for stacks first deployed with 0.1.0 (config `migrateFrom`): a new
   * installation has nothing to move, and the blocks were a third of a spoke root.
   */
  protected get migrating(): boolean {
    return this.config.migrateFrom === '0.1.0';
  }

  /**
   * `moved` blocks from the addresses the pre-module deploy stacks (rootwatch 0.1.0) gave these
   * resources to their place in module `call`: the old address was cdktf's hash of the same construct
   * path below the stack, so it is recomputed here (`rename` maps a module path back to the old one).
   */
  moves(call: string, addresses: readonly ModuleResourceAddress[], keep: (a: ModuleResourceAddress) => boolean, rename: (c: string) => string = (c) => c): void {
    if (!this.migrating) return;
    for (const a of addresses) {
      if (!keep(a)) continue;
      this.movedBlocks.push({ from: `${a.type}.${makeUniqueId(a.components.map(rename))}`, to: `module.${call}.${a.type}.${a.id}${a.counted ? '[0]' : ''}` });
    }
  }

  /** An explicit `moved` block (for_each instances). */
  moved(from: string, to: string): void {
    if (this.migrating) this.movedBlocks.push({ from, to });
  }

  protected backend(stackName: string): void {
    const b = this.config.backend;
    if (b.type === 's3') {
      const backend = new S3Backend(this, {
        bucket: b.bucket,
        key: `${b.keyPrefix}/${stackName}.tfstate`,
        region: b.region,
        encrypt: true,
        ...(b.kmsKeyId ? { kmsKeyId: b.kmsKeyId } : {}),
      });
      backend.addOverride('use_lockfile', true);
    } else {
      // Relative to the stack's folder <out>/stacks/<name>: beside the output folder, like cdktf's own
      // default, because every synth replaces the output folder and would delete state kept inside it.
      new LocalBackend(this, { path: `../../../terraform.${stackName}.tfstate` });
    }
  }

  /**
   * cdktf's preparing pass resolves every element once to find cross-stack references and adds
   * remote-state data sources for them. The roots have none (each is deployed on its own and gets
   * the hub's bus from the config), so only the backend is ensured: the pass was a third of a
   * 1,000-account synth (9.4 of 27 s in one process, measured with node --cpu-prof).
   */
  prepareStack(): void {
    this.ensureBackendExists();
  }

  toTerraform(): any {
    const tf = stackToTerraform(this);
    tf.terraform.required_version = TERRAFORM_REQUIRED_VERSION;
    tf.terraform.required_providers = { aws: { source: 'hashicorp/aws', version: AWS_PROVIDER_RANGE } };
    keepProtoTag(tf, this.config.tags);
    shareProviderSettings(tf);
    if (this.movedBlocks.length > 0) tf.moved = this.movedBlocks.map((m) => ({ ...m }));
    // Per-block cdktf metadata (construct paths) is for nobody here and was a fifth of a spoke root.
    for (const block of Object.values<any>(tf.module ?? {})) delete block['//'];
    for (const kind of ['data', 'resource'] as const) {
      for (const byName of Object.values<Record<string, any>>(tf[kind] ?? {})) for (const block of Object.values<any>(byName)) delete block['//'];
    }
    for (const v of Object.values<any>(tf.variable ?? {})) delete v['//'];
    for (const o of Object.values<any>(tf.output ?? {})) delete o['//'];
    return tf;
  }
}

/**
 * Writes a deploy root as cdktf's StackSynthesizer does (validations, error annotations, the stack's
 * folder), but its cdk.tf.json in the compact reviewable form (stacks/reviewable-json.ts). The roots
 * hold no assets and use no aspects, so cdktf's passes for them are not run.
 */
class RootSynthesizer implements IStackSynthesizer {
  constructor(private readonly stack: RootwatchStack) {}

  synthesize(session: ISynthesisSession): void {
    if (!session.skipValidation) this.stack.runAllValidations();
    const stackManifest = session.manifest.forStack(this.stack);
    const errors = this.stack.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === 'error').map((m) => `[${c.node.path}] ${String(m.data)}`));
    if (errors.length > 0) throw new Error(`Encountered Annotations with level "ERROR":\n${errors.join('\n')}`);
    const dir = path.join(session.outdir, stackManifest.workingDirectory);
    if (!fs.existsSync(dir)) fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(session.outdir, stackManifest.synthesizedStackPath), reviewableJson(this.stack.toTerraform()));
  }
}

/** Provider settings every region repeats, and the local each becomes (`local.<name>`). */
const SHARED_PROVIDER_SETTINGS: ReadonlyArray<[string, (p: any) => { get(): unknown; set(v: string): void } | undefined]> = [
  ['accounts', (p) => (p.allowed_account_ids ? { get: () => p.allowed_account_ids, set: (v) => (p.allowed_account_ids = v) } : undefined)],
  ['role_arn', (p) => (p.assume_role?.[0]?.role_arn !== undefined ? { get: () => p.assume_role[0].role_arn, set: (v) => (p.assume_role[0].role_arn = v) } : undefined)],
  ['external_id', (p) => (p.assume_role?.[0]?.external_id !== undefined ? { get: () => p.assume_role[0].external_id, set: (v) => (p.assume_role[0].external_id = v) } : undefined)],
  ['tags', (p) => (p.default_tags?.[0]?.tags !== undefined ? { get: () => p.default_tags[0].tags, set: (v) => (p.default_tags[0].tags = v) } : undefined)],
];

/**
 * A root's providers (one per region) repeat the same account, role, external ID and default tags;
 * each setting that every provider of the root holds with the same value is written once, as a
 * local, and referenced from each provider (valid Terraform: provider arguments may refer to locals;
 * the validation lane validates and plans every root). A third of a 17-region spoke root's bytes.
 */
function shareProviderSettings(tf: { provider?: { aws?: any[] }; locals?: Record<string, unknown> }): void {
  const providers = tf.provider?.aws ?? [];
  if (providers.length < 2) return;
  for (const [name, at] of SHARED_PROVIDER_SETTINGS) {
    const slots = providers.map(at);
    if (slots.some((s) => s === undefined)) continue;
    const first = JSON.stringify(slots[0]!.get());
    if (slots.some((s) => JSON.stringify(s!.get()) !== first)) continue;
    const value = slots[0]!.get();
    tf.locals = { ...tf.locals, [name]: value };
    for (const s of slots) s!.set(`\${local.${name}}`);
  }
}

/**
 * `__proto__` is a valid AWS tag key, but cdktf's JSON mapping assigns keys to plain objects, where
 * that one sets the prototype instead: put the tag back into every provider's default_tags.
 */
function keepProtoTag(tf: { provider?: { aws?: Array<{ default_tags?: Array<{ tags?: Record<string, unknown> }> }> } }, tags: Record<string, string>): void {
  if (!Object.prototype.hasOwnProperty.call(tags, '__proto__')) return;
  const value = Object.getOwnPropertyDescriptor(tags, '__proto__')?.value;
  for (const provider of tf.provider?.aws ?? []) {
    for (const d of provider.default_tags ?? []) {
      if (d.tags) Object.defineProperty(d.tags, '__proto__', { value, enumerable: true, writable: true, configurable: true });
    }
  }
}

/**
 * Provider settings that pin an account: Terraform refuses to touch any other account, and assumes
 * the role when one is given (`sessionName` shows up as rootwatch in the account's CloudTrail).
 */
export function providerAuth(
  accountId: string,
  target: { readonly assumeRoleArn?: string; readonly externalId?: string },
): Pick<RootProviderConfig, 'allowedAccountIds' | 'assumeRole'> {
  return {
    allowedAccountIds: [accountId],
    ...(target.assumeRoleArn
      ? { assumeRole: [{ roleArn: target.assumeRoleArn, sessionName: 'rootwatch', ...(target.externalId ? { externalId: target.externalId } : {}) }] }
      : {}),
  };
}

/** Terraform conditions shared by the identity variables. */
export const ACCOUNT_ID_VALIDATION = (name: string) => ({
  condition: `\${can(regex("^[0-9]{12}$", var.${name}))}`,
  errorMessage: `${name} must be a 12-digit AWS account ID.`,
});
