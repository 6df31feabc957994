// The printing helpers: whatever the text, the YAML they produce parses back to exactly that text.
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { load } from 'js-yaml';
import { blockScalar, cascLiteral, yamlBlock, yamlScalar } from '../../src/render/scalars.js';

const parseValue = (yaml: string): unknown => (load(`value: ${yaml}\nsentinel: 1\n`) as { value: unknown }).value;

describe('yamlScalar', () => {
  it('round-trips any string (property, seeded)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), (s) => {
      const yaml = yamlScalar(s);
      expect(parseValue(yaml)).toBe(s);
      // Nothing a YAML 1.1 reader (JCasC's SnakeYAML) would take as a line break or refuse as non-printable.
      expect(yaml).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/);
    }), { seed: 42, numRuns: 2000 });
  });

  it('keeps numbers and booleans typed, and refuses structures', () => {
    expect(parseValue(yamlScalar(8080))).toBe(8080);
    expect(parseValue(yamlScalar(false))).toBe(false);
    expect(parseValue(yamlScalar('8080'))).toBe('8080');
    expect(parseValue(yamlScalar('true'))).toBe('true');
    expect(() => yamlScalar({ a: 1 })).toThrow(/expected a scalar/);
    expect(() => yamlScalar(Number.NaN)).toThrow(/YAML number/);
  });
});

describe('blockScalar', () => {
  it('round-trips any text at any indentation, as a block when it can (property, seeded)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 300 }), fc.integer({ min: 4, max: 12 }), (s, indent) => {
      const doc = `outer:\n${' '.repeat(indent - 2)}value: ${blockScalar(s, indent)}\n${' '.repeat(indent - 2)}sentinel: 1\n`;
      const parsed = load(doc) as { outer: { value: unknown; sentinel: number } };
      expect(parsed.outer.value).toBe(s);
      expect(parsed.outer.sentinel).toBe(1);
    }), { seed: 7, numRuns: 2000 });
  });

  it('writes readable multi-line text as a literal block', () => {
    expect(blockScalar('a: 1\nb: 2\n', 4)).toBe('|\n    a: 1\n    b: 2');
    expect(blockScalar('  indented\nnext', 2)).toBe('|2-\n    indented\n  next');
  });
});

describe('cascLiteral', () => {
  it('escapes every ${ so JCasC reads it literally, and nothing else', () => {
    expect(cascLiteral('${A} ^${B} $C {D}')).toBe('^${A} ^^${B} $C {D}');
  });
});

describe('yamlBlock', () => {
  it('indents every line and round-trips maps with awkward keys and values', () => {
    const map = { 'app.kubernetes.io/name': 'jenkins', 'a: b': '# c', '- d': 'e\nf' };
    const text = `labels:\n${yamlBlock(map, 2)}\nsentinel: 1\n`;
    expect(load(text)).toEqual({ labels: map, sentinel: 1 });
  });
});
