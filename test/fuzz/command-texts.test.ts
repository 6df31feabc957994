// Command lines through the real command layer (parse → authorize → plan → confirm → execute) on a directory
// target: every line gets exactly one clear answer, nothing throws or rejects, and every deploy that succeeds
// leaves files that are valid, carry no injected key and give JCasC user text only as escaped literals.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { pino } from 'pino';
import { TokenSigner } from '../../src/commands/confirmation-token.js';
import { createCommandRunner } from '../../src/commands/create-runner.js';
import { parseCommand } from '../../src/commands/grammar.js';
import { Policy } from '../../src/commands/policy.js';
import type { CommandRunner } from '../../src/commands/runner.js';
import { DirectoryTarget } from '../../src/targets/directory/directory-target.js';
import { parseStoredValues } from '../../src/targets/stored-values.js';
import { createOperations } from '../../src/operations/index.js';
import { resolveSpec } from '../../src/instance/index.js';
import { alice, RecordingReply } from '../commands/recording-reply.js';
import { session } from './command-arbitraries.js';
import { fuzzParameters, fuzzTimeout, REPLAYING } from './fuzz-config.js';
import { messageProblems } from './message-checks.js';
import { outputProblems } from './output-checks.js';
import { settle, watchUnhandledRejections, type RejectionWatch } from './unhandled-rejections.js';

/** Exactly one final answer (a result or a question), and it makes sense. */
function answerProblems(reply: RecordingReply, questionAllowed: boolean): string[] {
  const finals = reply.seen.filter((s) => s.kind !== 'progress');
  if (finals.length !== 1) return [`expected exactly one final answer, got ${finals.map((f) => f.kind).join(', ') || 'none'}`];
  const final = finals[0]!;
  if (final.kind === 'confirm') {
    if (!questionAllowed) return ['a confirmation was answered with another question'];
    if (!final.confirmation.token) return ['a question without a token'];
    return messageProblems(final.confirmation.message);
  }
  if (final.kind !== 'result') return ['no result'];
  return [...messageProblems(final.message), ...reply.progresses.flatMap(messageProblems)];
}

/** Every instance folder the directory target holds: its files checked as a deploy left them. */
function instanceProblems(dir: string): string[] {
  if (!existsSync(dir)) return [];
  const problems: string[] = [];
  for (const instance of readdirSync(dir)) {
    const folder = join(dir, instance);
    // A deleted instance keeps its settings (values.yaml) until --purge, but has no files left to check.
    if (!existsSync(join(folder, 'values.yaml')) || !existsSync(join(folder, 'jenkins.yaml'))) continue;
    const values = parseStoredValues(readFileSync(join(folder, 'values.yaml'), 'utf8'), 'values.yaml');
    const manifestsDir = join(folder, 'manifests');
    const manifests = readdirSync(manifestsDir).sort().map((file) => ({ file, yaml: readFileSync(join(manifestsDir, file), 'utf8') }));
    const casc = readFileSync(join(folder, 'jenkins.yaml'), 'utf8');
    problems.push(...outputProblems({ casc, manifests }, resolveSpec([{ values }])).map((p) => `${instance}: ${p}`));
  }
  return problems;
}

const isDeploy = (text: string): boolean => {
  try {
    const command = parseCommand(text.trim());
    return command.name === 'deploy' && !command.dryRun;
  } catch {
    return false;
  }
};

let watch: RejectionWatch;
let base: string;
beforeAll(() => {
  watch = watchUnhandledRejections();
  base = mkdtempSync(join(tmpdir(), 'fuzz-commands-'));
});
afterAll(() => {
  watch.stop();
  rmSync(base, { recursive: true, force: true });
});

function newRunner(dir: string): CommandRunner {
  return createCommandRunner({
    operations: createOperations(new DirectoryTarget(dir)),
    policy: new Policy({ deployers: { users: [alice.userId], groups: [] } }),
    signer: new TokenSigner('fuzz-key'),
    logger: pino({ level: 'silent' }),
  });
}

describe('command texts through the command layer (property, seeded)', () => {
  it('answers every line exactly once, clearly, and leaves only valid, escaped files', async () => {
    const counts = { texts: 0, deploys: 0, questions: 0, clicks: 0 };
    let sessionNo = 0;
    type Session = { texts: string[]; clicks: boolean[] };
    const params = {
      ...fuzzParameters<[Session]>(20261202, 2500),
      // Lines that once broke a deploy, run first on every run.
      examples: [
        [{ texts: ['deploy ci agent.cpu.limit=1e308', 'deploy ci agent.memory=.5Gi'], clicks: [true, true, true] }],
        [{ texts: ['deploy constructor --dry-run', 'deploy constructor', 'scale constructor 2'], clicks: [true, true, true] }],
      ] as Array<[Session]>,
    };
    await fc.assert(
      fc.asyncProperty(session, async ({ texts, clicks }) => {
        const dir = join(base, `s${sessionNo++}`);
        const runner = newRunner(dir);
        try {
          for (const [i, text] of texts.entries()) {
            counts.texts += 1;
            const reply = new RecordingReply();
            await runner.handle(text, alice, reply);
            expect(answerProblems(reply, true)).toEqual([]);
            let outcome = reply.results[0];
            const question = reply.confirmation;
            if (question) {
              counts.questions += 1;
              if (clicks[i]) {
                counts.clicks += 1;
                const click = new RecordingReply();
                await runner.confirm(question.token, alice, click);
                expect(answerProblems(click, false)).toEqual([]);
                outcome = click.results[0];
              }
            }
            if (outcome?.tone === 'success' && isDeploy(text)) counts.deploys += 1;
            if (outcome?.tone === 'success') expect(instanceProblems(dir)).toEqual([]);
          }
          expect(watch.reasons).toEqual([]);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      params,
    );
    await settle();
    expect(watch.reasons).toEqual([]);
    if (REPLAYING) return;
    // The success path must really run: at least 5% of all lines are deploys that succeeded and were checked.
    expect(counts.texts).toBeGreaterThanOrEqual(params.numRuns!);
    expect(counts.deploys / counts.texts).toBeGreaterThanOrEqual(0.05);
    expect(counts.clicks).toBeGreaterThan(0);
  }, fuzzTimeout(180_000));
});
