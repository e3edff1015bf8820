/**
 * Does an SCP document deny the root user? (pure)
 * Yes when a statement has Effect Deny and a positive condition (ArnLike, ArnEquals, StringLike,
 * StringEquals, optionally ForAnyValue:/IfExists) on `aws:PrincipalArn` that matches root ARNs
 * (`arn:aws:iam::*:root` or `arn:aws:iam::<12 digits>:root`, any partition).
 */

const ROOT_ARN = /^arn:(\*|aws[a-z-]*):iam::(\*|\d{12}):root$/;
const POSITIVE_OPERATORS = new Set(['arnlike', 'arnequals', 'stringlike', 'stringequals']);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function asArray<T>(v: T | T[] | undefined): T[] {
  if (v === undefined) return [];
  return Array.isArray(v) ? v : [v];
}

function operatorIsPositive(op: string): boolean {
  const bare = op
    .replace(/^(ForAnyValue|ForAllValues):/i, '')
    .replace(/IfExists$/i, '')
    .toLowerCase();
  return POSITIVE_OPERATORS.has(bare);
}

function statementDeniesRoot(statement: Json): boolean {
  if (!statement || typeof statement !== 'object' || Array.isArray(statement)) return false;
  if (statement.Effect !== 'Deny') return false;
  const condition = statement.Condition;
  if (!condition || typeof condition !== 'object' || Array.isArray(condition)) return false;
  for (const [op, block] of Object.entries(condition)) {
    if (!operatorIsPositive(op) || !block || typeof block !== 'object' || Array.isArray(block)) continue;
    for (const [key, values] of Object.entries(block)) {
      if (key.toLowerCase() !== 'aws:principalarn') continue;
      if (asArray(values as Json).some((v) => typeof v === 'string' && ROOT_ARN.test(v))) return true;
    }
  }
  return false;
}

/** `content` is the policy JSON text (Organizations `Policy.Content`); unparseable gives false. */
export function policyDeniesRoot(content: string | undefined): boolean {
  if (!content) return false;
  let doc: Json;
  try {
    doc = JSON.parse(content) as Json;
  } catch {
    return false;
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return false;
  return asArray(doc.Statement as Json | Json[] | undefined).some(statementDeniesRoot);
}
