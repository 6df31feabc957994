// Reading the reload sidecar's log: a reload worked only when Jenkins said so, not merely when it answered 2xx.
import { describe, expect, it } from '@jest/globals';
import { parseReloadLine } from '../../src/targets/cluster/casc-reload.js';

const line = (answer: string) => `POST request sent to http://localhost:8080/reload-configuration-as-code/?casc-reload-token=s3cr3t. Response: ${answer}`;

describe('parseReloadLine', () => {
  it('a 200 with an error body is a failed reload, with the plugin\'s own message', () => {
    const report = parseReloadLine(line('200 OK {"status":"ERROR","message":"Failed to reload configuration: No configurator for the following root elements: jenkinss"}'));
    expect(report).toMatchObject({ ok: false });
    expect(report!.ok === false && report!.why).toBe('Jenkins did not apply the new configuration (200): Failed to reload configuration: No configurator for the following root elements: jenkinss');
  });

  it('a 500 with the error body says what failed', () => {
    const report = parseReloadLine(line('500 Server Error {"status":"error","message":"Failed to reload configuration: Invalid configuration elements for type: class hudson.model.Label"}'));
    expect(report).toMatchObject({ ok: false, why: expect.stringContaining('Invalid configuration elements') });
  });

  it('the old empty 200 and a 200 with an OK body are loaded', () => {
    expect(parseReloadLine(line('200 OK '))).toMatchObject({ ok: true });
    expect(parseReloadLine(line('200 OK {"status":"ok"}'))).toMatchObject({ ok: true });
  });

  it('never quotes the token', () => {
    expect(parseReloadLine(line('200 OK {"status":"ERROR","message":"x"}'))!.line).not.toContain('s3cr3t');
  });
});
