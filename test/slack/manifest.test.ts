import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';
import { CANCEL_ACTION_ID, CONFIRM_ACTION_ID } from '../../src/transports/slack/block-kit.js';
import { SLASH_COMMAND } from '../../src/transports/slack/command-handler.js';

interface Manifest {
  display_information: { name: string; description?: string };
  features: {
    bot_user: { display_name: string };
    slash_commands: Array<{ command: string; description: string; usage_hint?: string; should_escape: boolean; url?: string }>;
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: { interactivity: { is_enabled: boolean }; socket_mode_enabled: boolean };
}

const manifest = load(readFileSync(new URL('../../deploy/slack-app-manifest.yaml', import.meta.url), 'utf8')) as Manifest;

describe('deploy/slack-app-manifest.yaml', () => {
  it('declares the slash command the bot listens to, for Socket Mode (no request URL)', () => {
    const command = manifest.features.slash_commands.find((c) => c.command === SLASH_COMMAND);
    expect(command).toMatchObject({ should_escape: false });
    expect(command?.description.length).toBeGreaterThan(0);
    expect(command?.usage_hint).toContain('help');
    expect(command?.url).toBeUndefined();
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });

  it('enables interactivity, which the confirmation buttons need', () => {
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect([CONFIRM_ACTION_ID, CANCEL_ACTION_ID]).toEqual(['jenkins_confirm', 'jenkins_cancel']);
  });

  it('asks for exactly the bot scopes the code uses', () => {
    // commands: /jenkins; chat:write: postMessage/update/postEphemeral; chat:write.public: public channels
    // without an invite; files:write: files.uploadV2 for long output.
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual(['chat:write', 'chat:write.public', 'commands', 'files:write']);
    expect(manifest.display_information.name).toBeTruthy();
    expect(manifest.features.bot_user.display_name).toBeTruthy();
  });
});
