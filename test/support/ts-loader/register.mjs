// `node --import ./test/support/ts-loader/register.mjs file.ts`: run TypeScript sources from src/ (see hooks.mjs).
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
