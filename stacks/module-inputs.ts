import { ModuleVariableSpec } from './module-stack';
import { NAME_PREFIX_MAX_LENGTH } from '../core/limits';
import { ACCOUNT_ID_PATTERN, LOG_RETENTION_DAYS, NAME_PREFIX_PATTERN, REGION_PATTERN } from '../core/validation';

/** The patterns of core/validation.ts need no escaping in HCL (no backslash, no quote). */
const hcl = (re: RegExp): string => re.source;

/** Validations shared by the inputs of the generated modules (Terraform conditions, checked at validate/plan). */
export const V = {
  accountId: (name: string): ModuleVariableSpec['validation'] => [
    { condition: `\${can(regex("${hcl(ACCOUNT_ID_PATTERN)}", var.${name}))}`, errorMessage: `${name} must be a 12-digit AWS account ID.` },
  ],
  accountIdList: (name: string): ModuleVariableSpec['validation'] => [
    { condition: `\${alltrue([for a in var.${name} : can(regex("${hcl(ACCOUNT_ID_PATTERN)}", a))])}`, errorMessage: `${name} must hold 12-digit AWS account IDs.` },
  ],
  region: (name: string): ModuleVariableSpec['validation'] => [
    { condition: `\${can(regex("${hcl(REGION_PATTERN)}", var.${name}))}`, errorMessage: `${name} must be an AWS region code such as ap-southeast-2.` },
  ],
  /** Length from core/limits.ts: the longest prefix every generated name still fits (IAM role name_prefix). */
  namePrefix: (): ModuleVariableSpec['validation'] => [
    {
      condition: `\${can(regex("${hcl(NAME_PREFIX_PATTERN)}", var.name_prefix))}`,
      errorMessage: `name_prefix must be 1-${NAME_PREFIX_MAX_LENGTH} lowercase letters, digits and dashes, starting with a letter.`,
    },
  ],
  /** A list no longer than an AWS quota allows (`why` names it). */
  maxItems: (name: string, max: number, why: string): ModuleVariableSpec['validation'] => [
    { condition: `\${length(var.${name}) <= ${max}}`, errorMessage: `${name} must hold at most ${max} items (${why}).` },
  ],
  busArn: (name: string): ModuleVariableSpec['validation'] => [
    {
      condition: `\${can(regex("^arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:event-bus/[A-Za-z0-9._-]+$", var.${name}))}`,
      errorMessage: `${name} must be an EventBridge event bus ARN (arn:aws:events:<region>:<account>:event-bus/<name>).`,
    },
  ],
  roleArn: (name: string): ModuleVariableSpec['validation'] => [
    { condition: `\${can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$", var.${name}))}`, errorMessage: `${name} must be an IAM role ARN.` },
  ],
  heartbeatSchedule: (name: string): ModuleVariableSpec['validation'] => [
    {
      condition: `\${var.${name} == null ? true : can(regex("^rate\\\\((1 day|([1-9]|1[0-9]|2[0-4]) hours?)\\\\)$", var.${name}))}`,
      errorMessage: `${name} must be null, "rate(1 day)" or "rate(N hours)" with N from 1 to 24.`,
    },
  ],
  parameterName: (name: string): ModuleVariableSpec['validation'] => [
    { condition: `\${var.${name} == null ? true : can(regex("^/[A-Za-z0-9_.\\\\-/]+$", var.${name}))}`, errorMessage: `${name} must be null or an SSM parameter name starting with /.` },
  ],
  emails: (name: string): ModuleVariableSpec['validation'] => [
    { condition: `\${alltrue([for e in var.${name} : can(regex("^[^@\\\\s]+@[^@\\\\s]+\\\\.[^@\\\\s]+$", e))])}`, errorMessage: `${name} must hold e-mail addresses.` },
  ],
  logRetention: (name: string): ModuleVariableSpec['validation'] => [
    {
      condition: `\${contains([${LOG_RETENTION_DAYS.join(', ')}], var.${name})}`,
      errorMessage: `${name} must be a CloudWatch Logs retention (${LOG_RETENTION_DAYS.slice(0, -1).join(', ')} or ${LOG_RETENTION_DAYS[LOG_RETENTION_DAYS.length - 1]}; 0 never expires).`,
    },
  ],
};

/** The heartbeat interval (seconds) of a schedule, in HCL. */
export function heartbeatIntervalHcl(variable: string): string {
  const m = `regex("^rate\\\\(([0-9]+) (day|hours?)\\\\)$", ${variable})`;
  return `tonumber(${m}[0]) * (${m}[1] == "day" ? 86400 : 3600)`;
}
