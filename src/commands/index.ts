// The command layer's public surface for transports and the CLI.
export type { Attachment, Block, Caller, Confirmation, Failure, Message, Reply, Tone } from './model.js';
export type { CommandRunner, OperatorRunner } from './runner.js';
export { createCommandRunner, type RunnerOptions } from './create-runner.js';
export { COMMANDS, parseCommand, parseWords, UsageError, type OperatorInput, type ParsedCommand, type CommandName } from './grammar.js';
export { SHORT_KEYS } from './keys.js';
export { Policy, loadPolicy, type PolicyConfig, type Decision } from './policy.js';
export { TokenSigner, signerFromEnv, digestOf } from './confirmation-token.js';
export { pinoAuditSink, fanOut, type AuditEvent, type AuditSink, type AuditResult } from './audit.js';
