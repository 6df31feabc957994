// Slack mrkdwn needs only three characters escaped for text to show literally (and for `<!channel>`-style
// mentions or links in user input to stay inert): & < >.
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/**
 * Cuts `text` to at most `max` characters, ending with `note` when something was cut. Prefers to cut at a line
 * break so code and lists stay readable.
 */
export function truncate(text: string, max: number, note = '… (truncated)'): string {
  if (text.length <= max) return text;
  const room = Math.max(0, max - note.length - 1);
  const cut = text.slice(0, room);
  const lastBreak = cut.lastIndexOf('\n');
  const kept = lastBreak > room * 0.6 ? cut.slice(0, lastBreak) : cut.slice(0, entitySafeEnd(text, room));
  return `${kept}\n${note}`;
}

/** Splits text into pieces of at most `max` characters, at line breaks where possible. */
export function splitText(text: string, max: number): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const lastBreak = window.lastIndexOf('\n');
    const end = lastBreak > max * 0.5 ? lastBreak : entitySafeEnd(rest, max);
    pieces.push(rest.slice(0, end));
    rest = rest.slice(end).replace(/^\n/, '');
  }
  if (rest.length > 0 || pieces.length === 0) pieces.push(rest);
  return pieces;
}

/** Moves a cut point back so it does not split an escape such as `&amp;` in two. */
function entitySafeEnd(text: string, end: number): number {
  const amp = text.lastIndexOf('&', end - 1);
  if (amp >= 0 && amp > end - 5) {
    const semicolon = text.indexOf(';', amp);
    if (semicolon >= end && semicolon - amp <= 4) return Math.max(1, amp);
  }
  return end;
}
