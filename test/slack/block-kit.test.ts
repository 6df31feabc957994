import { describe, expect, it } from '@jest/globals';
import type { Message } from '../../src/commands/model.js';
import { renderConfirmation, renderMessage, SLACK_LIMITS } from '../../src/transports/slack/block-kit.js';
import { escapeMrkdwn } from '../../src/transports/slack/mrkdwn.js';

type AnyBlock = { type: string; text?: { text: string }; fields?: Array<{ text: string }>; elements?: Array<Record<string, unknown>> };

const base = (blocks: Message['blocks'], extra: Partial<Message> = {}): Message => ({ tone: 'info', title: 'Status of ci', blocks, ...extra });

describe('renderMessage', () => {
  it('maps every Block kind to Block Kit', () => {
    const out = renderMessage(
      base([
        { type: 'text', text: 'Controller is running' },
        { type: 'fields', fields: [{ label: 'Replicas', value: '1' }, { label: 'Image', value: 'jenkins/jenkins:lts' }] },
        { type: 'list', items: ['agent-1', 'agent-2'] },
        { type: 'code', text: 'jenkins:\n  numExecutors: 0', language: 'yaml' },
        { type: 'context', text: 'namespace jenkins-ci' },
        { type: 'divider' },
      ]),
    );
    expect(out.text).toBe('Status of ci');
    expect(out.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: ':information_source: *Status of ci*' } },
      { type: 'section', text: { type: 'mrkdwn', text: 'Controller is running' } },
      { type: 'section', fields: [{ type: 'mrkdwn', text: '*Replicas*\n1' }, { type: 'mrkdwn', text: '*Image*\njenkins/jenkins:lts' }] },
      { type: 'section', text: { type: 'mrkdwn', text: '• agent-1\n• agent-2' } },
      { type: 'rich_text', elements: [{ type: 'rich_text_preformatted', elements: [{ type: 'text', text: 'jenkins:\n  numExecutors: 0' }] }] },
      { type: 'context', elements: [{ type: 'mrkdwn', text: 'namespace jenkins-ci' }] },
      { type: 'divider' },
    ]);
  });

  it('escapes & < > in user text so mentions and links stay inert', () => {
    expect(escapeMrkdwn('<!channel> a&b <https://x|y>')).toBe('&lt;!channel&gt; a&amp;b &lt;https://x|y&gt;');
    const out = renderMessage(base([{ type: 'text', text: '<!here>' }], { title: 'x <@U1>' }));
    expect(JSON.stringify(out.blocks)).not.toMatch(/<!here>|<@U1>/);
  });

  it('keeps within 50 blocks and says that something was cut', () => {
    const blocks: Message['blocks'] = Array.from({ length: 80 }, (_, i) => ({ type: 'text' as const, text: `line ${i}` }));
    const out = renderMessage(base(blocks));
    expect(out.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
    expect(JSON.stringify(out.blocks.at(-1))).toMatch(/more parts not shown/);
  });

  it('splits sections at 3,000 characters and caps fields at 10 per section and 2,000 characters each', () => {
    const long = Array.from({ length: 200 }, (_, i) => `row ${i} ${'x'.repeat(20)}`).join('\n');
    const fields = Array.from({ length: 13 }, (_, i) => ({ label: `k${i}`, value: 'v'.repeat(i === 0 ? 5000 : 3) }));
    const out = renderMessage(base([{ type: 'text', text: long }, { type: 'fields', fields }]));
    const sections = out.blocks as AnyBlock[];
    for (const block of sections) {
      if (block.text) expect(block.text.text.length).toBeLessThanOrEqual(SLACK_LIMITS.sectionText);
      if (block.fields) {
        expect(block.fields.length).toBeLessThanOrEqual(10);
        for (const field of block.fields) expect(field.text.length).toBeLessThanOrEqual(SLACK_LIMITS.fieldText);
      }
    }
    expect(sections.filter((b) => b.fields).map((b) => b.fields!.length)).toEqual([10, 3]);
    expect(sections.filter((b) => b.text && b.text.text.startsWith('row')).length).toBeGreaterThan(1);
  });

  it('keeps the whole message under Slack\'s practical size limit, cutting long code with a note', () => {
    const code = 'x'.repeat(50_000);
    const out = renderMessage(base([{ type: 'code', text: code }, { type: 'code', text: code }, { type: 'code', text: code }, { type: 'code', text: code }, { type: 'code', text: code }]));
    expect(JSON.stringify(out.blocks).length).toBeLessThan(14_000);
    expect(JSON.stringify(out.blocks)).toContain('cut to fit Slack');
  });

  it('inlines an attachment when asked (it cannot be uploaded)', () => {
    const out = renderMessage(base([], { attachment: { filename: 'jenkins.yaml', content: 'jenkins:\n  systemMessage: hi' } }), { inlineAttachment: true });
    expect(JSON.stringify(out.blocks)).toContain('jenkins.yaml');
    expect(JSON.stringify(out.blocks)).toContain('systemMessage: hi');
  });
});

describe('renderConfirmation', () => {
  it('refuses a token longer than a button value can hold', () => {
    expect(() =>
      renderConfirmation({ message: base([]), confirmLabel: 'Yes', cancelLabel: 'No', token: 't'.repeat(2001) }),
    ).toThrow(/a Slack button value holds at most 2000/);
  });

  it('keeps room for the buttons even when the message is full', () => {
    const blocks: Message['blocks'] = Array.from({ length: 80 }, (_, i) => ({ type: 'text' as const, text: `diff line ${i}` }));
    const out = renderConfirmation({ message: base(blocks, { tone: 'info' }), confirmLabel: 'Apply', cancelLabel: 'Cancel', token: 'tok' });
    expect(out.blocks.length).toBeLessThanOrEqual(50);
    expect(out.blocks.at(-1)).toMatchObject({ type: 'actions', elements: [{ action_id: 'jenkins_confirm', style: 'primary' }, { action_id: 'jenkins_cancel' }] });
  });
});
