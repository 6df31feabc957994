// A kubeconfig pointing at a fake API server that nock serves.
import { KubeConfig } from '@kubernetes/client-node';

export const API = 'https://k8s.test:6443';

export function testKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: 'test', server: API, skipTLSVerify: true }],
    users: [{ name: 'test', token: 'test-token' }],
    contexts: [{ name: 'test', cluster: 'test', user: 'test', namespace: 'jenkins' }],
    currentContext: 'test',
  });
  return kc;
}

export const JSON_HEADERS = { 'Content-Type': 'application/json' };
