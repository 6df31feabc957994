// Shared by the ack benchmark's client and its server processes. Not a real secret.
export const BENCH_SECRET = 'bench-signing-secret-not-real';
