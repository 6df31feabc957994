// The plugins a controller installs, computed in this one place: the user's list with bare ids pinned, plus the
// plugins a feature of the spec needs (at the pinned version, unless the user's list already names them).
import type { InstanceSpec } from '../instance/index.js';
import { parsePlugin, pinnedEntry } from '../instance/plugins.js';
import { metricsPlugins } from './metrics.js';
import { credentialPlugins } from './credentials.js';

/** The folder the init container downloads into; the controller sees the same emptyDir as its ref plugins folder. */
export const PLUGIN_DOWNLOAD_DIR = '/var/jenkins_plugins';

/**
 * The install-plugins init container's script; the plugin entries are its arguments ("$@"), never part of the text.
 *
 * - `--latest false`: jenkins-plugin-cli's default (`--latest true`) takes the newest release of every dependency
 *   even when the requested versions are pinned; with false, each dependency gets the version the pinned plugins ask
 *   for (the highest among them), so one list always resolves to the same set. `id:latest` still takes that
 *   plugin's newest release; its dependencies are the versions that release asks for (no `--latest-specified`).
 *   [jenkinsci/plugin-installation-manager-tool README, CliOptions.java]
 * - `.override`: at start the image's jenkins.sh runs jenkins-support's copy_reference_file on every file of
 *   /usr/share/jenkins/ref. A plugin already on the volume is replaced only when the ref copy is newer (and after
 *   a manual upgrade, only with PLUGINS_FORCE_UPGRADE) — never by an older one — unless the ref file is named
 *   `<id>.jpi.override`, which is copied over whatever is there (and its `.version_from_image` marker rewritten).
 *   So every downloaded plugin is renamed: the versions resolved here are the ones Jenkins loads, downgrades
 *   included. Downloading straight into $JENKINS_HOME/plugins would not do: the tool skips a plugin whose
 *   installed copy is the same or newer. [jenkinsci/docker jenkins.sh, jenkins-support, README "override"]
 */
export const PLUGIN_INSTALL_SCRIPT =
  `set -eu; jenkins-plugin-cli --verbose --latest false --plugin-download-directory ${PLUGIN_DOWNLOAD_DIR} --plugins "$@"; ` +
  `for f in ${PLUGIN_DOWNLOAD_DIR}/*.jpi; do mv -f "$f" "$f.override"; done`;

/** Plugin ids a feature of the spec needs; a feature that needs a plugin adds it here (each must be in PINNED_PLUGINS). */
export function requiredPlugins(spec: InstanceSpec): string[] {
  return [...metricsPlugins(spec), ...credentialPlugins(spec)];
}

/** The entries jenkins-plugin-cli installs: every one pinned, except what the user wrote as `id:latest`. */
export function controllerPlugins(spec: InstanceSpec, required: readonly string[] = requiredPlugins(spec)): string[] {
  const list = spec.controller.plugins.map(pinnedEntry);
  const listed = new Set(list.map((entry) => parsePlugin(entry).id));
  for (const id of required) {
    if (listed.has(id)) continue;
    list.push(pinnedEntry(id));
    listed.add(id);
  }
  return list;
}
