// Every test file runs with real network disabled: only loopback may be reached.
// Tests that talk to Kubernetes or Slack do so through nock at the HTTP boundary.
import nock from 'nock';
import { afterAll } from '@jest/globals';

if (!nock.isActive()) nock.activate();
nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);

// Each test file loads its own copy of nock, which patches Node's shared http modules. Unpatch at the end of the
// file, or the next file in this worker would meet this copy's interceptors (and its "Disallowed net connect").
afterAll(() => {
  nock.cleanAll();
  nock.restore();
});
