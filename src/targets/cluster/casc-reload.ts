// How we know a controller loaded JCasC revision R without a restart.
//
// The `<name>-casc` ConfigMap carries R in an annotation. The kiwigrid/k8s-sidecar `casc-reload` container
// writes the new jenkins.yaml and POSTs /reload-configuration-as-code/ to its own controller; it logs the
// request and Jenkins' answer (at LOG_LEVEL=DEBUG: "POST request sent to <url>. Response: 200 OK ...").
// A controller has loaded R when, after our apply of R (the time our field manager wrote the ConfigMap),
// either its sidecar logged a 2xx answer to the reload POST, or the pod itself started (it read R at boot).

export type ReloadReport = { ok: true; line: string } | { ok: false; line: string; why: string };

const RELOAD_PATH = 'reload-configuration-as-code';

/** Splits `2024-05-01T10:00:01.123456789Z message` (logs read with timestamps=true). */
export function splitTimestamp(line: string): { at?: number; text: string } {
  const space = line.indexOf(' ');
  const at = space > 0 ? Date.parse(line.slice(0, space)) : NaN;
  return Number.isNaN(at) ? { text: line } : { at, text: line.slice(space + 1) };
}

function explain(code: number): string {
  if (code === 401 || code === 403) return `Jenkins refused the reload token (${code}): the controller and its casc-reload sidecar must read CASC_RELOAD_TOKEN from the same Secret`;
  if (code === 404) return 'Jenkins has no reload endpoint (404): CASC_RELOAD_TOKEN / -Dcasc.reload.token is not set on the controller';
  if (code >= 500) return `Jenkins failed to apply the new configuration (${code}); its log says why (kubectl logs <pod> -c jenkins)`;
  return `Jenkins answered the reload with ${code}`;
}

/** The reload token's value in a logged URL, replaced: `casc-reload-token=<redacted>`. */
export function redactReloadToken(text: string): string {
  return text.replace(/(casc-reload-token=)[^&\s"'.]+/g, '$1<redacted>');
}

/**
 * The JSON body Jenkins answered with, when the sidecar logged it: the configuration-as-code plugin reports a failed
 * reload as `{"status":"error","message":"Failed to reload configuration: …"}` — with HTTP 500 in current releases,
 * with 200 in others — so the status code alone does not say the reload worked.
 */
function answerBody(text: string): { status?: unknown; message?: unknown } | undefined {
  const start = text.indexOf('{');
  const end = text.lastIndexOf('}');
  if (start < 0 || end <= start) return undefined;
  try {
    const body = JSON.parse(text.slice(start, end + 1)) as unknown;
    return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as { status?: unknown; message?: unknown }) : undefined;
  } catch {
    return undefined;
  }
}

/** What one sidecar log line says about a reload, if anything. */
export function parseReloadLine(raw: string): ReloadReport | undefined {
  if (!raw.includes(RELOAD_PATH)) return undefined;
  // The sidecar logs the URL it POSTs, token included: what we quote from its log must not carry it.
  const text = redactReloadToken(raw);
  const code = /Response:\s*(\d{3})/.exec(text) ?? /(?:status(?:[ _]code)?|response code)\D{0,3}(\d{3})/i.exec(text);
  if (code) {
    const status = Number(code[1]);
    const body = answerBody(text.slice(code.index));
    if (typeof body?.status === 'string' && /^(error|fail)/i.test(body.status)) {
      const said = typeof body.message === 'string' ? body.message.slice(0, 500) : 'no message';
      return { ok: false, line: text, why: `Jenkins did not apply the new configuration (${status}): ${said}` };
    }
    return status >= 200 && status < 300 ? { ok: true, line: text } : { ok: false, line: text, why: explain(status) };
  }
  if (/Max retries exceeded|Connection refused|Failed to establish/i.test(text)) {
    return { ok: false, line: text, why: 'the sidecar could not reach Jenkins on localhost to trigger the reload' };
  }
  return undefined;
}

/** The newest reload report written at or after `since` (ms), from timestamped log lines. */
export function latestReload(lines: string[], since: number): ReloadReport | undefined {
  let latest: ReloadReport | undefined;
  for (const line of lines) {
    const { at, text } = splitTimestamp(line);
    if (at !== undefined && at < since) continue;
    latest = parseReloadLine(text) ?? latest;
  }
  return latest;
}
