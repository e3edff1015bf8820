/**
 * cdktf records a full stack trace for every token it creates (dozens per resource) and keeps
 * them for the whole process: at 1,000 accounts that is a fifth of the synth time and most of the
 * heap. Nothing reads them during a CLI synth, so capture none while the apps synthesize (measured:
 * byte-identical output). Errors thrown meanwhile lose their stack; the CLI prints messages only.
 */
export function withoutTokenStackTraces<T>(fn: () => T): T {
  const saved = Object.getOwnPropertyDescriptor(Error, 'stackTraceLimit');
  // cdktf raises the limit around each capture itself, so pin it with an accessor that ignores writes.
  Object.defineProperty(Error, 'stackTraceLimit', { configurable: true, get: () => 0, set: () => undefined });
  try {
    return fn();
  } finally {
    if (saved) Object.defineProperty(Error, 'stackTraceLimit', saved);
  }
}

