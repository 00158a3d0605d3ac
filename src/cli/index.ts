/** Process wiring for `fanout`: real stdin/stdout, Ctrl+C cancels every deployment, exit code set. */
import { format } from 'node:util';
import { main } from './main';

// stdout carries the report (one JSON document with --format json): SDKs' own console chatter
// (genai logs with console.debug) must not land there. FANOUT_DEBUG=1 shows it on stderr.
for (const level of ['log', 'info', 'debug'] as const) {
  console[level] = (...args: unknown[]) => {
    if (process.env.FANOUT_DEBUG) process.stderr.write(`${format(...args)}\n`);
  };
}

const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
process.once('SIGTERM', () => controller.abort());

const readStdin = async (): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
};

void main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  readStdin,
  signal: controller.signal,
}).then((code) => {
  process.exitCode = code;
});
