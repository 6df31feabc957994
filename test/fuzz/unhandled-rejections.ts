// Listens for unhandled promise rejections on the REAL process. Jest gives each test file a copy of `process`
// whose events never fire (it listens on the parent process itself), so a listener on the sandbox's `process`
// would prove nothing. A host-realm function (process.nextTick comes from the host) evaluates in the host's
// global scope, where `process` is the real one.
const hostProcess = (process.nextTick.constructor as FunctionConstructor)('return process')() as NodeJS.Process;

export interface RejectionWatch {
  readonly reasons: unknown[];
  stop(): void;
}

export function watchUnhandledRejections(): RejectionWatch {
  const reasons: unknown[] = [];
  const listener = (reason: unknown) => {
    reasons.push(reason);
  };
  hostProcess.on('unhandledRejection', listener);
  return {
    reasons,
    stop: () => {
      hostProcess.off('unhandledRejection', listener);
    },
  };
}

/** Node reports unhandled rejections after the microtask queue drains; give it one macrotask turn. */
export const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
