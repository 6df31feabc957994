// The build's one-file bundle of a command's code, when it is there and at least as new as the compiled module it was
// made from (a later `tsc` alone leaves it stale: then, and under Jest, which runs the sources, the module itself).
import { statSync } from 'node:fs';

export async function builtBundle<T>(bundleFile: string, moduleFile: string, modules: () => Promise<T>): Promise<T> {
  const bundle = new URL(`./${bundleFile}`, import.meta.url);
  try {
    if (statSync(bundle).mtimeMs >= statSync(new URL(`./${moduleFile}`, import.meta.url)).mtimeMs) {
      return (await import(bundle.href)) as T;
    }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  return modules();
}
