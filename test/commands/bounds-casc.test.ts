// Extra JCasC and credentials reach everything Jenkins is and every Secret of the namespace: never from chat. An
// instance set up with them from the command line keeps working when chat changes something else.
import { describe, expect, it } from '@jest/globals';
import { BoundsError, checkBounds, DEFAULT_BOUNDS } from '../../src/commands/bounds.js';
import { resolveSpec, type Values } from '../../src/instance/index.js';

const source = { namespaces: 'test', images: 'test', hostPaths: 'test' };
const spec = (values: Values) => resolveSpec([{ values: { name: 'ci', ...values } }]);
const check = (next: ReturnType<typeof spec>, base: ReturnType<typeof spec> | undefined) => () => checkBounds(next, base, DEFAULT_BOUNDS, source, new Set());

const jcasc = { extra: { realm: 'jenkins:\n  securityRealm:\n    local: {allowsSignup: true}\n' } };
const credentials = [{ id: 'stolen', type: 'usernamePassword', secret: 'prod-admin' }];

describe('jcasc and credentials from chat', () => {
  it('refuses adding, changing or removing extra JCasC', () => {
    const base = spec({});
    expect(check(spec({ jcasc }), base)).toThrow(/jcasc=realm is not allowed: extra JCasC is set only from a values file on the command line, not from chat/);
    expect(check(spec({ jcasc }), undefined)).toThrow(BoundsError);
    expect(check(spec({ jcasc: { ...jcasc, trusted: ['realm'] } }), spec({ jcasc }))).toThrow(/jcasc=realm/);
    expect(check(base, spec({ jcasc }))).toThrow(/jcasc=\(none\)/);
  });

  it('refuses adding, changing or removing credentials, naming the Secret', () => {
    const base = spec({});
    expect(check(spec({ credentials }), base)).toThrow(/credentials=stolen \(Secret prod-admin\) is not allowed: credentials \(Secrets mounted into Jenkins\) are set only from a values file/);
    expect(check(spec({ credentials: [{ ...credentials[0], secret: 'other' }] }), spec({ credentials }))).toThrow(BoundsError);
    expect(check(base, spec({ credentials }))).toThrow(/credentials=\(none\)/);
  });

  it('lets chat change other keys of an instance that has them', () => {
    const base = spec({ jcasc, credentials });
    expect(check(spec({ jcasc, credentials, agents: { containerCap: 3 } }), base)).not.toThrow();
  });
});
