// How `controller.plugins` entries are written, and the plugin versions jenkins-chatops knows to work together with
// its default controller image. `id:version` pins; `id:latest` takes the newest release at every start (only when
// written so); a bare `id` means the version pinned below, and one with no pinned version is refused.

/**
 * Versions released and tested together with Jenkins LTS 2.568.2 (the default image `jenkins/jenkins:2.568.2-jdk21`):
 * - kubernetes, workflow-aggregator, git, configuration-as-code: `controller.installPlugins` of the official Helm chart
 *   jenkinsci/helm-charts charts/jenkins 5.9.53 (tag jenkins-5.9.53, 2026-08-07, controller image 2.568.2-jdk21);
 *   kubernetes, git and configuration-as-code are the same versions in jenkinsci/bom 6815.v1fb_2a_fee3765
 *   (2026-08-06), whose bom-2.568.x line runs the plugin compatibility tests on that LTS.
 * - prometheus and the credentials family (the plugins `metrics` and `credentials` need): that same BOM release.
 * casc/defaults.yaml lists the first four with these versions (a test keeps the two equal).
 */
export const PINNED_PLUGINS: Readonly<Record<string, string>> = Object.freeze({
  kubernetes: '4540.v612369217f87',
  'workflow-aggregator': '608.v67378e9d3db_1',
  git: '5.10.1',
  'configuration-as-code': '2115.vf6de120eef70',
  prometheus: '856.vc9e3d6e4b_b_9e',
  credentials: '1506.v948b_b_b_7dec44',
  'plain-credentials': '199.v9f8e1f741799',
  'ssh-credentials': '372.va_250881b_08cd',
  'credentials-binding': '728.v902a_273b_8947',
});

/**
 * `id`, `id:version` or `id:latest`. Both parts start with a letter or digit: jenkins-plugin-cli reads a word that
 * starts with `-` as its own option, and a third `:part` (a download URL) or `;` (incrementals) is never accepted.
 */
export const PLUGIN_ENTRY = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}(:[A-Za-z0-9][A-Za-z0-9_.+-]{0,99})?$/;

export interface PluginEntry {
  id: string;
  /** As written: a version, `latest`, or undefined for a bare id. */
  version?: string;
}

export function parsePlugin(entry: string): PluginEntry {
  const colon = entry.indexOf(':');
  return colon < 0 ? { id: entry } : { id: entry.slice(0, colon), version: entry.slice(colon + 1) };
}

/** What is wrong with the entries of `controller.plugins` beyond their form, by index; empty when nothing is. */
export function pluginProblems(list: readonly string[]): Array<{ index: number; message: string }> {
  const problems: Array<{ index: number; message: string }> = [];
  const seen = new Map<string, number>();
  list.forEach((entry, index) => {
    if (!PLUGIN_ENTRY.test(entry)) return; // already refused for its form
    const { id, version } = parsePlugin(entry);
    const first = seen.get(id);
    if (first !== undefined) {
      problems.push({ index, message: `plugin ${id} is listed twice (also at controller.plugins[${first}]); keep one entry: change that one to ${entry}` });
      return;
    }
    seen.set(id, index);
    if (version === 'experimental') {
      problems.push({ index, message: `${id}:experimental is not accepted; write ${id}:<version> to pin a release or ${id}:latest` });
    } else if (version === undefined && PINNED_PLUGINS[id] === undefined) {
      problems.push({
        index,
        message:
          `plugin ${id} has no version pinned by jenkins-chatops; write ${id}:<version> to pin one ` +
          `(https://plugins.jenkins.io/${id}/releases/) or ${id}:latest to take the newest release at every start`,
      });
    }
  });
  return problems;
}

/** The entry jenkins-plugin-cli is given: a bare id becomes `id:<pinned version>`; anything else stays as written. */
export function pinnedEntry(entry: string): string {
  const { id, version } = parsePlugin(entry);
  if (version !== undefined) return entry;
  const pinned = PINNED_PLUGINS[id];
  // The spec refuses bare ids without a pinned version; a feature asking for one is a bug caught by the tests.
  if (pinned === undefined) throw new Error(`plugin ${id} has no pinned version`);
  return `${id}:${pinned}`;
}
