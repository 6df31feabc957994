// Kubernetes RBAC authorization as the apiserver's RBAC authorizer decides it
// (https://kubernetes.io/docs/reference/access-authn-authz/rbac/, plugin/pkg/auth/authorizer/rbac/rbac.go):
// a request is allowed when any rule of a role bound to the subject matches it. A ClusterRoleBinding applies in
// every namespace and to cluster-scoped resources; a RoleBinding only inside its own namespace, whether it refers
// to a Role or to a ClusterRole. Rules match by apiGroup, resource (`pods/log` for subresources), verb and, when
// given, resourceNames ('*' matches anything).

/* eslint-disable @typescript-eslint/no-explicit-any */
type Loose = any;

export interface Subject {
  kind: 'ServiceAccount';
  name: string;
  namespace: string;
}

export interface Request {
  verb: string;
  apiGroup: string;
  resource: string;
  /** Undefined for cluster-scoped resources (and for cluster-wide lists). */
  namespace?: string;
  name?: string;
}

const matches = (list: string[] | undefined, value: string) => (list ?? []).some((x) => x === '*' || x === value);

function ruleAllows(rule: Loose, req: Request): boolean {
  if (!matches(rule.apiGroups, req.apiGroup) || !matches(rule.resources, req.resource) || !matches(rule.verbs, req.verb)) return false;
  const names: string[] = rule.resourceNames ?? [];
  return names.length === 0 || (req.name !== undefined && names.includes(req.name));
}

function boundTo(binding: Loose, subject: Subject): boolean {
  return (binding.subjects ?? []).some((s: Loose) => s.kind === subject.kind && s.name === subject.name && s.namespace === subject.namespace);
}

export function authorize(objects: Loose[], subject: Subject, req: Request): boolean {
  const role = (kind: string, name: string, namespace?: string) =>
    objects.find((o) => o.kind === kind && o.metadata.name === name && (kind === 'ClusterRole' || o.metadata.namespace === namespace));
  for (const binding of objects) {
    if (!boundTo(binding, subject)) continue;
    if (binding.kind === 'ClusterRoleBinding') {
      const r = role('ClusterRole', binding.roleRef.name);
      if (r?.rules?.some((rule: Loose) => ruleAllows(rule, req))) return true;
    } else if (binding.kind === 'RoleBinding') {
      if (req.namespace === undefined || req.namespace !== binding.metadata.namespace) continue;
      const r = role(binding.roleRef.kind, binding.roleRef.name, binding.metadata.namespace);
      if (r?.rules?.some((rule: Loose) => ruleAllows(rule, req))) return true;
    }
  }
  return false;
}
