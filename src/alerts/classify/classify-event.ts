// Pod events → alerts. Unhealthy (probe failures) is the reason to watch events at all; FailedScheduling,
// BackOff and Failed arrive here too and join the pod's incident of the same problem.
import { makeAlert, unschedulableAlert } from './classify-pod.js';
import type { EventSnapshot } from './event-snapshot.js';
import type { PodSnapshot } from './pod-snapshot.js';
import type { Alert } from '../types.js';

export function classifyEvent(event: EventSnapshot, pod: PodSnapshot, at: number): Alert | undefined {
  const { reason, message } = event;
  const times = event.count > 1 ? ` (${event.count} times)` : '';
  switch (reason) {
    case 'Unhealthy':
      return makeAlert(pod, 'probe-failed', `${message}${times}`, at);
    case 'FailedScheduling':
      return pod.scheduled ? undefined : unschedulableAlert(pod, message, at);
    case 'BackOff':
      if (/pulling image/i.test(message)) return makeAlert(pod, 'image-pull-failed', `${message}; check the image name, tag and imagePullSecrets`, at);
      if (/restarting failed container/i.test(message)) return makeAlert(pod, 'crash-loop', `${message}${times}`, at);
      return undefined;
    case 'Failed':
      if (/pull|image/i.test(message)) return makeAlert(pod, 'image-pull-failed', message, at);
      if (/not found|couldn't find key|CreateContainerConfigError/i.test(message)) return makeAlert(pod, 'config-error', message, at);
      return undefined;
    case 'Evicted':
      return makeAlert(pod, 'evicted', `evicted by the kubelet: ${message}`, at);
    default:
      return undefined;
  }
}
