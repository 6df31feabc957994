// Splits a command line into words the way a shell user expects: spaces separate, quotes group ("a b", 'a b').
// Chat clients add their own twists, handled here so every transport gets the same words:
// - macOS/iOS turn "straight" quotes into “curly” ones: both count as quotes;
// - Slack wraps things that look like links in `<target|label>` or `<target>`: the word is what the user typed.
// Decoding Slack's `&amp;` `&lt;` `&gt;` escapes is the transport's job; here they are ordinary characters.

export class TokenizeError extends Error {
  override name = 'TokenizeError';
}

const OPENING_QUOTES: Record<string, string> = { '"': '"', "'": "'", '“': '”', '”': '”', '‘': '’', '’': '’', '„': '“' };
/** What a chat client's link markup wraps: URLs, e-mail addresses, mentions (`@U…`, `#C…`, `!subteam^…`). */
const LINK_TARGET = /^(https?:\/\/|mailto:|@|#|!)/;

export function tokenize(line: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < line.length) {
    const ch = line[i]!;
    const closing = OPENING_QUOTES[ch];
    if (/\s/.test(ch)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i += 1;
    } else if (closing !== undefined) {
      const end = findClosingQuote(line, i + 1, ch, closing);
      if (end < 0) throw new TokenizeError(`unclosed quote ${ch} in: ${line.slice(i, i + 40)}`);
      word += line.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (ch === '<') {
      const end = line.indexOf('>', i + 1);
      const inner = end < 0 ? '' : line.slice(i + 1, end);
      if (end > 0 && LINK_TARGET.test(inner) && !/\s/.test(inner.split('|')[0]!)) {
        word += linkText(inner);
        inWord = true;
        i = end + 1;
      } else {
        word += ch;
        inWord = true;
        i += 1;
      }
    } else {
      word += ch;
      inWord = true;
      i += 1;
    }
  }
  if (inWord) words.push(word);
  return words;
}

function findClosingQuote(line: string, from: number, opening: string, closing: string): number {
  for (let i = from; i < line.length; i += 1) {
    const ch = line[i];
    // A curly quote may come back as either of its pair (clients are not consistent), a straight one only as itself.
    if (ch === closing || (opening !== '"' && opening !== "'" && ch === opening)) return i;
  }
  return -1;
}

/** `<https://x|x>` → `x`; `<https://x>` → `https://x`; `<mailto:a@b|a@b>` → `a@b`. */
function linkText(inner: string): string {
  const bar = inner.indexOf('|');
  if (bar >= 0) return inner.slice(bar + 1);
  return inner.replace(/^mailto:/, '');
}
