// The truth about several controllers, said before anyone agrees to them (chat, console, CLI) and by `render`:
// they are independent Jenkins, each reached on its own, each with its own agent cap, and what scaling down keeps.
import type { InstanceSpec } from '../instance/index.js';
import { names } from '../instance/naming.js';

export function fleetNote(spec: InstanceSpec): string[] {
  const n = spec.controller.replicas;
  const ordinals = Array.from({ length: n }, (_, i) => i);
  const services = ordinals.map((i) => names.controllerService(spec.name, i));
  const { type, nodePort } = spec.service;
  const reach = type === 'NodePort' && nodePort !== undefined
    ? `each at its own node port: ${ordinals.map((i) => `${services[i]} on ${nodePort + 1 + i}`).join(', ')}`
    : `each through its own ${type} Service: ${services.join(', ')}`;
  const cap = spec.agents.containerCap;
  return [
    `${n} controllers are ${n} independent Jenkins: they share no jobs, builds, credentials or configuration made in the UI (only what JCasC sets); a job created on one is not on the others.`,
    `They are reached ${reach}; agents connect back to the controller that started them.`,
    cap === 0
      ? 'The agent cap is unlimited on each controller.'
      : `The agent cap counts per controller: ${n} controllers × cap ${cap} = up to ${n * cap} agent pods.`,
    'Scaling down keeps each removed controller\'s volume (its jobs and history) and its Service; scaling up again finds them under the same names.',
  ];
}
