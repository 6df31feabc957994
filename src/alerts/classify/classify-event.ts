// Pod events → alerts. Unhealthy (probe failures) is the reason to watch events at all; FailedScheduling,
// BackOff and Failed arrive here too and join the pod's incident of the same problem.
import { configHint, makeAlert, unschedulableAlert } from './classify-pod.js';
import type { EventSnapshot } from './event-snapshot.js';
import type { PodSnapshot } from './pod-snapshot.js';
import type { Alert } from '../types.js';

const CONFIG_WORDS = ['runasnonroot', 'createcontainerconfigerror', 'createcontainererror', "couldn't find key", 'not found', 'configmap', 'secret', 'invalid mount', 'securitycontext'];
const PULL_WORDS = ['pull image', 'pulling image', 'errimagepull', 'imagepullbackoff', 'invalidimagename', 'errimageneverpull', 'manifest unknown', 'pull access denied', 'registryunavailable'];

function isConfigFailure(message: string): boolean {
  const m = message.toLowerCase();
  if (PULL_WORDS.some((w) => m.includes(w))) return m.includes('runasnonroot');
  return CONFIG_WORDS.some((w) => m.includes(w));
}

function isPullFailure(message: string): boolean {
  const m = message.toLowerCase();
  return PULL_WORDS.some((w) => m.includes(w));
}

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
      // The kubelet's `Failed` covers pulls and container creation alike. "container has runAsNonRoot and image will
      // run as root" names the image but is a security-context refusal: configuration is matched first, and a pull is
      // recognised by what pulls say, not by the word "image".
      if (isConfigFailure(message)) return makeAlert(pod, 'config-error', `${message}; ${configHint(message)}`, at);
      if (isPullFailure(message)) return makeAlert(pod, 'image-pull-failed', `${message}; check the image name, tag and imagePullSecrets`, at);
      return undefined;
    case 'Evicted':
      return makeAlert(pod, 'evicted', `evicted by the kubelet: ${message}`, at);
    default:
      return undefined;
  }
}
