// Records every module a child process resolves (ES modules through a module hook, CommonJS through the resolver)
// into the file named by its TRACE_FILE: which code a command really loads, checked on the real process.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Writes the hooks into `dir`; pass `--import <register>` (and `--require <cjs>` for CommonJS) to the child. */
export function moduleTraceHooks(dir: string): { register: string; cjs: string } {
  const hooks = join(dir, 'trace-hooks.mjs');
  writeFileSync(hooks, `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  appendFileSync(process.env.TRACE_FILE, result.url + '\\n');
  return result;
}
`);
  const register = join(dir, 'trace-register.mjs');
  writeFileSync(register, `import { register } from 'node:module';\nregister(${JSON.stringify(`file://${hooks}`)});\n`);
  const cjs = join(dir, 'trace-cjs.cjs');
  writeFileSync(cjs, `const Module = require('node:module'); const { appendFileSync } = require('node:fs');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (...args) { const file = resolve.apply(this, args); appendFileSync(process.env.TRACE_FILE, file + '\\n'); return file; };
`);
  return { register, cjs };
}
