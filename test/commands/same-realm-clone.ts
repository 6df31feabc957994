// Jest runs tests in a vm context whose `structuredClone` is the host's: its copies carry the host realm's
// Object.prototype, and js-yaml's dump refuses them ("unacceptable kind of an object to dump"). Outside Jest the
// realms are one and the same. Values are plain JSON-like data, so a JSON copy is an exact same-realm clone.
globalThis.structuredClone = (<T>(value: T): T => (value === undefined ? value : JSON.parse(JSON.stringify(value)))) as typeof structuredClone;
