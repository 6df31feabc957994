// `help`, `help <command>`, `help keys`: all generated from the grammar and the key table, so they never drift.
import { COMMANDS, commandHelp, type CommandName } from '../grammar.js';
import { SHORT_KEYS, SPEC_SECTIONS } from '../keys.js';
import type { Message } from '../model.js';

export function helpMessage(topic?: string): Message {
  if (topic === 'keys') return keysHelp();
  if (topic !== undefined) {
    const help = commandHelp(topic as CommandName);
    return {
      tone: 'info',
      title: help.usage,
      ephemeral: true,
      blocks: [
        { type: 'text', text: [help.summary, ...help.details].join('\n') },
        { type: 'code', text: help.examples.join('\n') },
        ...(help.mutating ? [{ type: 'context' as const, text: 'Changes the cluster: only configured deployers may run it, and it is audited.' }] : []),
      ],
    };
  }
  return {
    tone: 'info',
    title: 'Jenkins on Kubernetes: commands',
    ephemeral: true,
    blocks: [
      { type: 'fields', fields: COMMANDS.map((c) => ({ label: c.usage.split(' | ')[0]!, value: c.summary })).slice(0, 10) },
      { type: 'context', text: '`help <command>` for details and examples, `help keys` for the deploy settings.' },
    ],
  };
}

function keysHelp(): Message {
  return {
    tone: 'info',
    title: 'Settings for deploy and diff (key=value)',
    ephemeral: true,
    blocks: [
      { type: 'list', items: SHORT_KEYS.map((k) => `${k.key} → ${k.target}   e.g. ${k.example}`) },
      {
        type: 'text',
        text: `Any full spec path works too, starting with ${SPEC_SECTIONS.join(', ')}: e.g. controller.javaOpts="-Xmx2g" or agents.templates[1].instanceCap=5. Quote values with spaces. Numbers and true/false are typed; everything else is text.`,
      },
    ],
  };
}
