// Every test file runs with real network disabled: only loopback may be reached.
// Tests that talk to Kubernetes or Slack do so through nock at the HTTP boundary.
import nock from 'nock';
import { afterAll } from '@jest/globals';

nock.disableNetConnect();
nock.enableNetConnect(/^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/);

afterAll(() => {
  nock.cleanAll();
});
