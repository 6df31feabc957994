// core/v1 Events as client-go's event recorder writes them: repeats of the same reason and message for the same
// object raise `count` and `lastTimestamp` (k8s.io/client-go/tools/record/events_cache.go aggregation).
import type { Clock } from '../clock.js';
import type { Registry } from '../registry.js';
import { byKind } from '../resources.js';
import { clone, type Obj } from '../util.js';

export function makeEventRecorder(registry: Registry, clock: Clock) {
  let counter = 0;
  return (involved: Obj, type: 'Normal' | 'Warning', reason: string, message: string, component: string, host?: string): void => {
    const info = byKind('Event');
    const namespace = involved.metadata.namespace ?? 'default';
    const now = clock.iso();
    try {
      // Only the match is copied: events pile up (a crash loop adds them every tick) and this runs for each one.
      const same = registry.store.find(info, namespace, (e) =>
        e.involvedObject?.uid === involved.metadata.uid && e.reason === reason && e.message === message);
      if (same) {
        const next = clone(same);
        next.count = (next.count ?? 1) + 1;
        next.lastTimestamp = now;
        registry.controllerUpdate(info, next, component);
        return;
      }
      counter += 1;
      registry.create(info, namespace, {
        metadata: { name: `${involved.metadata.name}.${(0x1800000000000000n + BigInt(counter)).toString(16)}`, namespace },
        involvedObject: {
          kind: involved.kind, namespace: involved.metadata.namespace, name: involved.metadata.name, uid: involved.metadata.uid,
          apiVersion: involved.apiVersion, resourceVersion: involved.metadata.resourceVersion,
        },
        reason, message, type, count: 1, firstTimestamp: now, lastTimestamp: now, eventTime: null,
        source: { component, ...(host ? { host } : {}) }, reportingComponent: component, reportingInstance: host ?? '',
      }, { fieldManager: component });
    } catch {
      // A terminating or missing namespace refuses events; the recorder drops them like client-go does.
    }
  };
}
