// Crash enrichment: the last lines the crashed container wrote before it died (previous=true).
import type { CoreV1Api } from '@kubernetes/client-node';
import { trimLogTail } from './messages.js';

export type LogTailReader = (namespace: string, pod: string, container: string) => Promise<string | undefined>;

export function previousLogReader(core: CoreV1Api, tailLines = 30): LogTailReader {
  return async (namespace, pod, container) => {
    try {
      const log = await core.readNamespacedPodLog({ name: pod, namespace, container, previous: true, tailLines });
      return log ? trimLogTail(String(log)) : undefined;
    } catch {
      return undefined; // no previous container yet, pod gone, or no pods/log permission: post without the log
    }
  };
}
