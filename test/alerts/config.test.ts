// The alerter's settings from the environment: where it watches follows the namespaces the bot manages.
import { describe, expect, it } from '@jest/globals';
import { AlertConfigError, alertConfigFromEnv } from '../../src/alerts/config.js';

describe('alertConfigFromEnv', () => {
  it('watches the managed namespaces (CHATOPS_NAMESPACES) unless ALERT_NAMESPACES says otherwise', () => {
    expect(alertConfigFromEnv({}).namespaces).toEqual(['jenkins']);
    expect(alertConfigFromEnv({ CHATOPS_NAMESPACES: 'jenkins, team-a' }).namespaces).toEqual(['jenkins', 'team-a']);
    expect(alertConfigFromEnv({ CHATOPS_NAMESPACES: 'jenkins,team-a', ALERT_NAMESPACES: 'team-a' }).namespaces).toEqual(['team-a']);
    expect(alertConfigFromEnv({ ALERT_NAMESPACES: 'x' }, { namespaces: ['y'] }).namespaces).toEqual(['y']);
  });

  it('refuses a severity it does not know, naming the allowed ones', () => {
    expect(() => alertConfigFromEnv({ ALERT_MIN_SEVERITY: 'loud' })).toThrow(AlertConfigError);
    expect(() => alertConfigFromEnv({ ALERT_MIN_SEVERITY: 'loud' })).toThrow(/use info, warning or critical/);
  });
});
