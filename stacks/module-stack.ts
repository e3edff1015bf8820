import { Construct } from 'constructs';
import { Node } from 'constructs';
import { TerraformBackend, TerraformElement, TerraformOutput, TerraformResource, TerraformStack, TerraformVariable } from 'cdktf';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { AWS_PROVIDER_RANGE, TERRAFORM_REQUIRED_VERSION } from './versions';
import { stackToTerraform } from './cdktf-internals';

/** A module input: its Terraform type, whether it may be null, and the checks `terraform validate` runs. */
export interface ModuleVariableSpec {
  readonly type: string;
  readonly description: string;
  /** Only for switches and tunables with a universal default; identity/routing inputs have none. */
  readonly default?: unknown;
  /** @default false */
  readonly nullable?: boolean;
  readonly validation?: readonly { readonly condition: string; readonly errorMessage: string }[];
}

/** Where a resource of a module sits: its Terraform type and address, and the construct path that produced it. */
export interface ModuleResourceAddress {
  readonly type: string;
  readonly id: string;
  /** Construct ids below the stack (what cdktf hashed into today's deploy-stack addresses). */
  readonly components: readonly string[];
  /** `count`-switched resource: its instance is `[0]`. */
  readonly counted: boolean;
}

/**
 * A cdktf stack that synthesizes into a reusable plain-Terraform module: no provider blocks, no
 * backend, the aws provider as a version range, and stable resource addresses (the construct path
 * joined with `_`, never a hash), so refactors of the generator do not move resources.
 *
 * Optional parts (an alerter, a trail) are whole constructs switched by `when(condition, ...)`:
 * every resource below them gets `count = condition ? 1 : 0` and references to them inside the
 * module are rewritten to instance `[0]`, so the constructs themselves need not know about it.
 */
export class ModuleStack extends TerraformStack {
  private readonly components = new Map<string, string[]>();
  private readonly switches: Array<{ condition: string; scopes: Construct[] }> = [];

  constructor(scope: Construct, id: string, readonly description: string) {
    super(scope, id);
    // Satisfies cdktf's provider check; dropped from the output (the caller passes the provider).
    new AwsProvider(this, 'aws', {});
  }

  protected allocateLogicalId(tfElement: TerraformElement | Node): string {
    const node = TerraformElement.isTerraformElement(tfElement) ? tfElement.node : tfElement;
    const scopes = node.scopes;
    const components = scopes.slice(scopes.indexOf(this) + 1).map((c) => c.node.id);
    const id = stableLogicalId(components);
    const seen = this.components.get(id);
    if (seen && seen.join('/') !== components.join('/')) {
      throw new Error(`ModuleStack ${this.node.id}: ${components.join('/')} and ${seen.join('/')} both map to address ${id}`);
    }
    this.components.set(id, components);
    return id;
  }

  /** A module input typed by name (the logical id is exactly `name`). */
  variable(name: string, spec: ModuleVariableSpec): TerraformVariable {
    const v = new TerraformVariable(this, `var-${name}`, {
      type: spec.type,
      description: spec.description,
      nullable: spec.nullable ?? false,
      ...(spec.default === undefined || spec.default === null ? {} : { default: spec.default }),
      ...(spec.validation ? { validation: spec.validation.map((x) => ({ ...x })) } : {}),
    });
    v.overrideLogicalId(name);
    if (spec.default === null) v.addOverride('default', null);
    return v;
  }

  output(name: string, value: unknown, description: string): void {
    new TerraformOutput(this, `output-${name}`, { value, description }).overrideLogicalId(name);
  }

  /** Create `scopes` (and everything below them) only when the HCL `condition` is true. */
  when(condition: string, ...scopes: Construct[]): void {
    this.switches.push({ condition, scopes });
  }

  /** A module has no backend: its caller's state holds it. */
  ensureBackendExists(): TerraformBackend {
    return undefined as unknown as TerraformBackend;
  }

  /** Every resource of the module with the construct path that made it (for `moved` blocks). */
  resourceAddresses(): ModuleResourceAddress[] {
    const counted = this.countedResources();
    return this.node
      .findAll()
      .filter((c): c is TerraformResource => TerraformResource.isTerraformResource(c))
      .map((r) => {
        const id = this.getLogicalId(r);
        return { type: r.terraformResourceType, id, components: this.components.get(id) ?? [id], counted: counted.has(`${r.terraformResourceType}.${id}`) };
      });
  }

  private countedResources(): Map<string, string> {
    const counted = new Map<string, string>();
    for (const s of this.switches) {
      for (const scope of s.scopes) {
        for (const c of scope.node.findAll()) {
          if (TerraformResource.isTerraformResource(c)) counted.set(`${c.terraformResourceType}.${this.getLogicalId(c)}`, s.condition);
        }
      }
    }
    return counted;
  }

  /** No backend and no cross-stack reference: cdktf's preparing resolve pass has nothing to find. */
  prepareStack(): void {}

  toTerraform(): any {
    let tf = stackToTerraform(this);
    delete tf.provider;
    delete tf['//'];
    if (tf.terraform) delete tf.terraform.backend;
    tf.terraform = {
      required_version: TERRAFORM_REQUIRED_VERSION,
      required_providers: { aws: { source: 'hashicorp/aws', version: AWS_PROVIDER_RANGE } },
    };
    const counted = this.countedResources();
    if (counted.size > 0) {
      let text = JSON.stringify(tf);
      for (const address of counted.keys()) {
        // A reference `type.id.attr` (inside an interpolation) becomes `type.id[0].attr`.
        const re = new RegExp(`(?<![A-Za-z0-9_.-])${escapeRegExp(address)}\\.`, 'g');
        text = text.replace(re, `${address}[0].`);
      }
      tf = JSON.parse(text);
      for (const [address, condition] of counted) {
        const [type, id] = splitAddress(address);
        const block = tf.resource?.[type]?.[id];
        if (block) block.count = `\${${condition} ? 1 : 0}`;
      }
    }
    // An output of a switched-off resource is null rather than an error.
    for (const o of Object.values<any>(tf.output ?? {})) {
      if (typeof o.value === 'string' && /^\$\{[^{}]*\[0\]\.[^{}]*\}$/.test(o.value)) o.value = `\${try(${o.value.slice(2, -1)}, null)}`;
    }
    // Drop cdktf's per-element metadata: the module is read by people.
    for (const kind of ['resource', 'data'] as const) {
      for (const byType of Object.values<Record<string, any>>(tf[kind] ?? {})) {
        for (const block of Object.values<any>(byType)) delete block['//'];
      }
    }
    return tf;
  }
}

/** The construct path as a Terraform identifier: `hub/bus/bus` -> `hub_bus_bus`. */
function stableLogicalId(components: readonly string[]): string {
  const id = components.join('_').replace(/[^A-Za-z0-9_-]/g, '_');
  return /^[A-Za-z_]/.test(id) ? id : `_${id}`;
}

function splitAddress(address: string): [string, string] {
  const dot = address.indexOf('.');
  return [address.slice(0, dot), address.slice(dot + 1)];
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
