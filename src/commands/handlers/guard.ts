// Holds a bounded caller's command to the admin's bounds (../bounds.ts) before anything is planned or applied: the
// spec the command would produce is resolved the way Operations resolves it, and judged against the instance as it is.
import { deepMerge, resolveSpec, type InstanceSpec, type Values } from '../../instance/index.js';
import { checkBounds } from '../bounds.js';
import type { HandlerContext } from './types.js';

function resolved(ctx: HandlerContext, instance: string, values: Values, namespace: string | undefined): InstanceSpec | undefined {
  try {
    return resolveSpec([{ values: deepMerge(values, namespace ? { name: instance, namespace } : { name: instance }) }], ctx.sources);
  } catch {
    // An invalid spec is refused by the operation itself, in the spec's own words, before anything is applied.
    return undefined;
  }
}

/** Throws BoundsError when the caller is bounded and `changes` over `stored` leave the bounds. */
export function guard(ctx: HandlerContext, instance: string, stored: Values | undefined, changes: Values[] = [], namespace?: string): void {
  if (!ctx.bounds) return;
  const next = resolved(ctx, instance, changes.reduce<Values>((acc, c) => deepMerge(acc, c), stored ?? {}), namespace);
  if (!next) return;
  const base = stored ? resolved(ctx, instance, stored, namespace) : undefined;
  const { config, source } = ctx.bounds.for(instance);
  checkBounds(next, base, config, source, ctx.bounds.trustedImages);
}

/** For listings: whether a bounded caller may see an instance in this namespace at all. */
export function visible(ctx: HandlerContext, instance: string, namespace: string): boolean {
  return !ctx.bounds || ctx.bounds.for(instance).config.namespaces.includes(namespace);
}

