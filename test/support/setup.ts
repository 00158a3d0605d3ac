/**
 * Loaded before every unit test file. Tests talk only to 127.0.0.1: keep the AWS chain away from the
 * instance metadata address, keep proxies off loopback, and keep the user's own cloud config out.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.AWS_EC2_METADATA_DISABLED = 'true';
process.env.NO_PROXY = '127.0.0.1,localhost';
// google-auth-library: never probe metadata.google.internal or 169.254.169.254 (a test that wants ADC points GCE_METADATA_HOST at its emulator)
process.env.METADATA_SERVER_DETECTION = 'none';
for (const name of ['HTTPS_PROXY', 'HTTP_PROXY', 'https_proxy', 'http_proxy', 'AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN',
  'AWS_BEARER_TOKEN_BEDROCK', 'OPENAI_API_KEY', 'AZURE_OPENAI_API_KEY', 'GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GOOGLE_APPLICATION_CREDENTIALS', 'GCE_METADATA_HOST']) {
  delete process.env[name];
}
// an empty home: no ~/.aws or gcloud files of the machine's user are read
const home = mkdtempSync(join(tmpdir(), 'fanout-home-'));
process.env.HOME = home;
process.env.AWS_CONFIG_FILE = join(home, '.aws', 'config');
process.env.AWS_SHARED_CREDENTIALS_FILE = join(home, '.aws', 'credentials');
process.env.CLOUDSDK_CONFIG = join(home, '.config', 'gcloud');
