// Real sockets for the whole file: nock's interceptor swaps every agent for its own non-keep-alive one (so
// connection reuse cannot be seen) and checks the request's host name, not where a proxy agent connects.
// These tests only ever reach servers they start on 127.0.0.1 (or names only the test proxy resolves).
// Not re-activated afterwards: the setup file's afterAll restores nock anyway, and a copy left active would meet the
// next file of this worker (see test/setup/no-network.ts).
import nock from 'nock';
import { beforeAll } from '@jest/globals';

export function withoutNock(): void {
  beforeAll(() => nock.restore());
}
