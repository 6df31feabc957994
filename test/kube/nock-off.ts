// Real sockets for the whole file: nock's interceptor swaps every agent for its own non-keep-alive one (so
// connection reuse cannot be seen) and checks the request's host name, not where a proxy agent connects.
// These tests only ever reach servers they start on 127.0.0.1.
import nock from 'nock';
import { afterAll, beforeAll } from '@jest/globals';

export function withoutNock(): void {
  beforeAll(() => nock.restore());
  afterAll(() => {
    nock.activate();
  });
}
