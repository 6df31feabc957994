// Placeholder: filled in by the part that owns this subcommand.
import type { Command } from 'commander';

export function registerStartCommand(_program: Command): void {}
