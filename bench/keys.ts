/** Fake keys the benchmark's emulators accept. */
export const BENCH_KEYS = {
  openai: 'bench-openai-key',
  azure: 'bench-azure-key',
  aws: { accessKeyId: 'AKIDFANOUTBENCH', secretAccessKey: 'bench-aws-secret' },
  gemini: 'bench-gemini-key',
};
