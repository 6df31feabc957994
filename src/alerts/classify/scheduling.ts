// The scheduler's "why not" message, in every wording it has had, turned into [{reason, nodes}], words and a hint.
import type { SchedulingReason } from '../types.js';
import { formatCpu, formatMemory } from './quantities.js';

export interface ParsedSchedulingMessage {
  totalNodes?: number;
  reasons: SchedulingReason[];
}

// Every step below is a single left-to-right scan: a message is attacker-sized (any pod spec can make the scheduler
// repeat a long taint or selector), so nothing here may backtrack. Real messages are far shorter than the cap.
export const MAX_SCHEDULING_MESSAGE = 4096;

const OLD_PREFIX = /^No nodes are available that match all of the (?:following )?predicates/;
const NEW_PREFIX = /^(\d{1,9})\/(\d{1,9}) nodes are available/;
/** Kubernetes ≤ 1.5: `pod (x) failed to fit in any node\nfit failure summary on nodes : Insufficient pods (2), …`. */
const FIT_SUMMARY = 'fit failure summary on nodes';
const FIT_FAILED = 'failed to fit in any node';

/**
 * The end of the reason list: the first ". " outside braces (a taint `{key: value}` stays whole). What follows is not
 * a reason: since 1.24 " preemption: …", since 1.35 (DRA) "no new claims to deallocate, preemption: …".
 */
function listEnd(text: string): number {
  let depth = 0;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '{') depth += 1;
    else if (c === '}' && depth > 0) depth -= 1;
    else if (c === '.' && depth === 0 && (text[i + 1] === ' ' || text[i + 1] === '\n')) return i;
  }
  return text.length;
}

/** Trailing dots and blanks removed ("…didn't tolerate.." → "…didn't tolerate"), by scanning from the end. */
function stripEnding(text: string): string {
  let end = text.length;
  while (end > 0 && (text[end - 1] === '.' || /\s/.test(text[end - 1]!))) end -= 1;
  return text.slice(0, end).trim();
}

/** Skips `chars` at the start of `text`. */
function skipLeading(text: string, chars: string): string {
  let i = 0;
  while (i < text.length && (chars.includes(text[i]!) || (chars.includes(' ') && /\s/.test(text[i]!)))) i += 1;
  return text.slice(i);
}

/** `Name (3)` → ['Name', 3]; without a trailing count, the whole text and null. */
function countSuffix(item: string): [string, number | null] {
  const open = item.lastIndexOf('(');
  if (open < 0 || !item.endsWith(')')) return [item, null];
  const digits = item.slice(open + 1, -1);
  if (digits.length === 0 || digits.length > 9 || ![...digits].every((c) => c >= '0' && c <= '9')) return [item, null];
  return [item.slice(0, open).trimEnd(), Number(digits)];
}

/** `3 Insufficient cpu` → [3, 'Insufficient cpu']. */
function leadingCount(item: string): [number, string] | undefined {
  let i = 0;
  while (i < item.length && i < 10 && item[i]! >= '0' && item[i]! <= '9') i += 1;
  if (i === 0 || i > 9 || item[i] !== ' ') return undefined;
  return [Number(item.slice(0, i)), item.slice(i + 1).trim()];
}

/** Splits at ", " followed by a count: taint wordings contain ", that the pod didn't tolerate" and must stay whole. */
function splitCountedItems(body: string): string[] {
  const items: string[] = [];
  let start = 0;
  for (let i = body.indexOf(','); i >= 0; i = body.indexOf(',', i + 1)) {
    let j = i + 1;
    while (j < body.length && body[j] === ' ') j += 1;
    if (leadingCount(body.slice(j, j + 11))) {
      items.push(body.slice(start, i));
      start = j;
    }
  }
  items.push(body.slice(start));
  return items;
}

/** Old predicate names, as printed by schedulers up to 1.8 (and 1.5's fit summaries), in today's words. */
const PREDICATE_WORDS: Record<string, string> = {
  PodToleratesNodeTaints: "node(s) had taints that the pod didn't tolerate",
  MatchNodeSelector: "node(s) didn't match node selector",
  NodeAffinity: "node(s) didn't match node selector",
  HostName: "node(s) didn't match the requested hostname",
  PodFitsHostPorts: "node(s) didn't have free ports for the requested pod ports",
  PodFitsPorts: "node(s) didn't have free ports for the requested pod ports",
  NoVolumeZoneConflict: 'node(s) had no available volume zone',
  NoVolumeNodeConflict: 'node(s) had volume node affinity conflict',
  CheckVolumeBinding: 'node(s) had volume node affinity conflict',
  NoDiskConflict: 'node(s) had no available disk',
  CheckNodeUnschedulable: 'node(s) were unschedulable',
  NodeUnschedulable: 'node(s) were unschedulable',
  NodeUnderMemoryPressure: 'node(s) had memory pressure',
  CheckNodeMemoryPressure: 'node(s) had memory pressure',
  NodeUnderDiskPressure: 'node(s) had disk pressure',
  CheckNodeDiskPressure: 'node(s) had disk pressure',
  CheckNodePIDPressure: 'node(s) had pid pressure',
  NodeOutOfDisk: 'node(s) were out of disk space',
  NodeNotReady: 'node(s) were not ready',
  NodeNetworkUnavailable: 'node(s) had network unavailable',
  CheckNodeCondition: 'node(s) were not ready',
  MatchInterPodAffinity: "node(s) didn't match pod affinity/anti-affinity rules",
  MaxEBSVolumeCount: 'node(s) exceed max volume count',
  MaxGCEPDVolumeCount: 'node(s) exceed max volume count',
  MaxAzureDiskVolumeCount: 'node(s) exceed max volume count',
  MaxCSIVolumeCountPred: 'node(s) exceed max volume count',
  PodFitsResources: 'Insufficient resources',
  GeneralPredicates: 'node(s) did not fit the pod (resources, ports or node name)',
};

/** `Name (3), Other (1)` (old and 1.5 wordings) → reasons in today's words. */
function predicateList(list: string): SchedulingReason[] {
  return stripEnding(list)
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item.length > 0)
    .map((item): SchedulingReason => {
      const [name, nodes] = countSuffix(item);
      return { reason: PREDICATE_WORDS[name] ?? name, nodes };
    });
}

export function parseSchedulingMessage(message: string): ParsedSchedulingMessage {
  const text = (message.length > MAX_SCHEDULING_MESSAGE ? message.slice(0, MAX_SCHEDULING_MESSAGE) : message).trim();
  const old = OLD_PREFIX.exec(text);
  if (old) return { reasons: predicateList(skipLeading(text.slice(old[0].length), ': ')) };
  const summary = text.indexOf(FIT_SUMMARY);
  if (summary >= 0 || text.includes(FIT_FAILED)) {
    if (summary < 0) return { reasons: [] };
    const rest = text.slice(summary + FIT_SUMMARY.length);
    const line = rest.indexOf('\n');
    return { reasons: predicateList(skipLeading(line >= 0 ? rest.slice(0, line) : rest, ' :')) };
  }
  const current = NEW_PREFIX.exec(text);
  if (current) {
    let rest = skipLeading(text.slice(current[0].length), ': ');
    // The list ends at its first ". ": a " preemption: ..." tail (1.24+) repeats the count for the preemption attempt,
    // and 1.35 puts "no new claims to deallocate" before it. Neither is a reason.
    rest = rest.slice(0, listEnd(rest));
    const tail = rest.indexOf('preemption:');
    if (tail >= 0) rest = rest.slice(0, tail);
    const reasons: SchedulingReason[] = [];
    for (const item of splitCountedItems(stripEnding(rest))) {
      const trimmed = stripEnding(item);
      if (!trimmed) continue;
      const counted = leadingCount(trimmed);
      if (counted) reasons.push({ reason: counted[1], nodes: counted[0] });
      else reasons.push({ reason: trimmed, nodes: null }); // PreFilter failure: no per-node counts
    }
    return { totalNodes: Number(current[2]), reasons };
  }
  return { reasons: text ? [{ reason: stripEnding(text), nodes: null }] : [] };
}

export type ReasonCategory =
  | 'insufficient-cpu' | 'insufficient-memory' | 'insufficient-other' | 'too-many-pods' | 'taint' | 'node-selector'
  | 'cordoned' | 'pvc-unbound' | 'pvc-missing' | 'volume-affinity' | 'ports' | 'pressure' | 'node-not-ready' | 'pod-affinity'
  | 'volume-count' | 'other';

export function categorize(reason: string): ReasonCategory {
  const r = reason.toLowerCase();
  if (r.startsWith('insufficient cpu')) return 'insufficient-cpu';
  if (r.startsWith('insufficient memory')) return 'insufficient-memory';
  if (r.startsWith('insufficient pods') || r.startsWith('too many pods')) return 'too-many-pods';
  if (r.startsWith('insufficient')) return 'insufficient-other';
  if (r.includes('taint')) return 'taint';
  if (r.includes('node selector') || r.includes('node affinity/selector') || r.includes("didn't match pod's node affinity")) {
    return 'node-selector';
  }
  if (r.includes('were unschedulable') || r.includes('unschedulable:')) return 'cordoned';
  if (r.includes('memory pressure') || r.includes('disk pressure') || r.includes('pid pressure') || r.includes('out of disk')) return 'pressure';
  if (r.includes('were not ready') || r.includes('network unavailable')) return 'node-not-ready';
  if (r.includes('pod affinity') || r.includes('anti-affinity')) return 'pod-affinity';
  if (r.includes('max volume count')) return 'volume-count';
  if (r.includes('unbound immediate persistentvolumeclaims') || r.includes('unbound')) return 'pvc-unbound';
  if (r.includes('persistentvolumeclaim') && r.includes('not found')) return 'pvc-missing';
  if (r.includes('volume node affinity') || r.includes('volume zone')) return 'volume-affinity';
  if (r.includes('free ports') || r.includes('host port')) return 'ports';
  return 'other';
}

/** The taint key named in a reason ("... taint {key: value}"), if any. */
export function taintKey(reason: string): string | undefined {
  const open = reason.indexOf('{');
  if (open < 0) return undefined;
  const colon = reason.indexOf(':', open);
  const close = reason.indexOf('}', open);
  if (colon < 0 || (close >= 0 && close < colon) || colon === open + 1) return undefined;
  return reason.slice(open + 1, colon).trim();
}

/** "1 node lacks …" / "3 nodes lack …"; without a count (PreFilter) just the plural. */
function reasonWords(r: SchedulingReason): string {
  const nodes = (one: string, many: string): string => {
    if (r.nodes === null) return `nodes ${many}`;
    return r.nodes === 1 ? `1 node ${one}` : `${r.nodes} nodes ${many}`;
  };
  switch (categorize(r.reason)) {
    case 'insufficient-cpu': return nodes('lacks free CPU', 'lack free CPU');
    case 'insufficient-memory': return nodes('lacks free memory', 'lack free memory');
    case 'insufficient-other': {
      const what = r.reason.replace(/^Insufficient\s*/i, 'free ');
      return nodes(`lacks ${what}`, `lack ${what}`);
    }
    case 'too-many-pods': return nodes('already runs its maximum number of pods', 'already run their maximum number of pods');
    case 'taint': {
      const key = taintKey(r.reason);
      const what = key ? `a taint the pod does not tolerate (${key})` : 'a taint the pod does not tolerate';
      return nodes(`has ${what}`, `have ${what}`);
    }
    case 'node-selector': return nodes("does not match the pod's node selector/affinity", "do not match the pod's node selector/affinity");
    case 'cordoned': return nodes('is cordoned (unschedulable)', 'are cordoned (unschedulable)');
    case 'pvc-unbound': return 'a PersistentVolumeClaim of the pod is not bound to a volume';
    case 'pvc-missing': return `a PersistentVolumeClaim is missing (${r.reason})`;
    case 'volume-affinity': return nodes("is outside the zone of the pod's volume", "are outside the zone of the pod's volume");
    case 'ports': return nodes("has the pod's host port taken", "have the pod's host port taken");
    case 'pressure': {
      const what = pressureOf(r.reason);
      return nodes(`is short of ${what} (the kubelet takes no new pods)`, `are short of ${what} (the kubelet takes no new pods)`);
    }
    case 'node-not-ready': return nodes('is not ready', 'are not ready');
    case 'pod-affinity': return nodes("breaks the pod's affinity/anti-affinity rules", "break the pod's affinity/anti-affinity rules");
    case 'volume-count': return nodes('already has its maximum number of attached volumes', 'already have their maximum number of attached volumes');
    default: return r.nodes === null ? r.reason : `${r.nodes} × ${r.reason}`;
  }
}

function pressureOf(reason: string): string {
  const r = reason.toLowerCase();
  if (r.includes('memory')) return 'memory';
  if (r.includes('pid')) return 'process ids';
  return 'disk space';
}

export function describeReasons(parsed: ParsedSchedulingMessage): string {
  const head = parsed.totalNodes !== undefined ? `no node fits (0/${parsed.totalNodes} available)` : 'no node fits';
  if (parsed.reasons.length === 0) return head;
  return `${head}: ${parsed.reasons.map(reasonWords).join('; ')}`;
}

export interface Headroom {
  /** Largest free allocatable CPU (cores) on any one node, and the node. */
  cpuCores: number;
  cpuNode: string;
  memoryBytes: number;
  memoryNode: string;
}

export interface HintInput {
  reasons: SchedulingReason[];
  requests: { cpu?: string; memory?: string; cpuCores?: number; memoryBytes?: number };
  headroom?: Headroom;
}

/** One concrete thing to do, for the reason that blocks the most nodes. */
export function schedulingHint({ reasons, requests, headroom }: HintInput): string {
  const categories = new Set(reasons.map((r) => categorize(r.reason)));
  const hints: string[] = [];
  if (categories.has('insufficient-cpu') || categories.has('insufficient-memory')) {
    const parts: string[] = [];
    if (categories.has('insufficient-cpu') && requests.cpu) {
      parts.push(
        headroom ? `cpu request ${requests.cpu} to at most ${formatCpu(headroom.cpuCores)} (free on ${headroom.cpuNode})`
          : `cpu request ${requests.cpu}`,
      );
    }
    if (categories.has('insufficient-memory') && requests.memory) {
      parts.push(
        headroom ? `memory request ${requests.memory} to at most ${formatMemory(headroom.memoryBytes)} (free on ${headroom.memoryNode})`
          : `memory request ${requests.memory}`,
      );
    }
    hints.push(parts.length > 0 ? `lower the pod template's ${parts.join(' and ')}, or add a node` : 'lower the pod template\'s requests, or add a node');
  }
  if (categories.has('too-many-pods') || categories.has('insufficient-other')) hints.push('add a node');
  if (categories.has('taint')) {
    const keys = [...new Set(reasons.map((r) => taintKey(r.reason)).filter((k): k is string => Boolean(k)))];
    hints.push(keys.length > 0 ? `add a toleration for ${keys.join(', ')} to the pod template, or use untainted nodes` : 'add a toleration to the pod template, or use untainted nodes');
  }
  if (categories.has('node-selector')) hints.push("fix the template's nodeSelector/affinity: no node has those labels");
  if (categories.has('cordoned')) hints.push('uncordon a node (kubectl uncordon NODE) or add one');
  if (categories.has('pvc-unbound') || categories.has('pvc-missing')) {
    hints.push('create the PersistentVolume (or PVC), or set a default StorageClass');
  }
  if (categories.has('volume-affinity')) hints.push("add a node in the volume's zone, or recreate the volume where there is room");
  if (categories.has('ports')) hints.push('drop the hostPort or free it on a node');
  if (categories.has('pressure')) hints.push('free memory or disk on the nodes (kubectl describe node shows the pressure), or add a node');
  if (categories.has('node-not-ready')) hints.push('check the nodes: kubectl get nodes, then kubectl describe node NODE for why they are not ready');
  if (categories.has('pod-affinity')) hints.push("relax the pod template's affinity/anti-affinity rules, or add a node where they hold");
  if (categories.has('volume-count')) hints.push('add a node: the others cannot attach more volumes');
  return hints.length > 0 ? hints.join('; ') : 'run kubectl describe pod for the scheduler\'s details';
}
