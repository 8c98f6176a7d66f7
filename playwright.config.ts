import { existsSync } from 'node:fs';
import { defineConfig, devices } from '@playwright/test';

// Playwright cannot download browsers here: use the system Chromium.
function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'];
  const found = candidates.find((candidate) => candidate && existsSync(candidate));
  if (!found) throw new Error('No Chromium found: install it (apt-get install -y chromium) or set CHROMIUM_PATH.');
  return found;
}

const port = Number(process.env.E2E_PORT ?? 3100);
// Every port follows E2E_PORT, so several checkouts can run their suites side by side.
const oidcPort = Number(process.env.E2E_OIDC_PORT ?? port + 1);
const modelPort = Number(process.env.E2E_MODEL_PORT ?? port + 2);
process.env.E2E_OIDC_PORT = String(oidcPort);
// Another origin that embeds the widget (e2e/third-party-site.ts).
const thirdPartyPort = Number(process.env.E2E_THIRD_PARTY_PORT ?? port + 3);
process.env.E2E_THIRD_PARTY_PORT = String(thirdPartyPort);
// The app's mail relay (e2e/mail-server.ts): SMTP in, and a mailbox the tests read over HTTP.
const mailSmtpPort = Number(process.env.E2E_MAIL_SMTP_PORT ?? port + 4);
const mailHttpPort = Number(process.env.E2E_MAIL_HTTP_PORT ?? port + 5);
process.env.E2E_MAILBOX_URL = `http://127.0.0.1:${mailHttpPort}`;
// The website the sources spec crawls (started by the spec itself, so it can change pages).
const websitePort = Number(process.env.E2E_WEBSITE_PORT ?? port + 6);
process.env.E2E_WEBSITE_PORT = String(websitePort);
// LiveKit's room service API (e2e/livekit-server.ts); nothing listens on the port after it,
// which is where browsers are told the media server is.
const liveKitPort = Number(process.env.E2E_LIVEKIT_PORT ?? port + 7);
const isRoot = process.getuid?.() === 0;

export default defineConfig({
  testDir: './e2e',
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  timeout: 60_000,
  use: {
    baseURL: `http://localhost:${port}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: chromiumPath(),
      args: [
        ...(isRoot ? ['--no-sandbox'] : []),
        // The machine has no internet: keep Chromium from phoning home at every start.
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        // Meetings: a fake camera and microphone, and no permission prompt.
        '--use-fake-device-for-media-stream',
        '--use-fake-ui-for-media-stream',
      ],
    },
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'] } }],
  // A production build (`npm run test:e2e` builds first) on a fresh, seeded embedded database.
  webServer: [
    {
      command: `tsx e2e/oidc-provider.ts`,
      url: `http://localhost:${oidcPort}/.well-known/openid-configuration`,
      env: { OIDC_PORT: String(oidcPort), APP_URL: `http://localhost:${port}` },
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: `tsx e2e/third-party-site.ts`,
      url: `http://localhost:${thirdPartyPort}/health`,
      env: { THIRD_PARTY_PORT: String(thirdPartyPort) },
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: `tsx e2e/mail-server.ts`,
      url: `http://127.0.0.1:${mailHttpPort}/health`,
      env: { MAIL_SMTP_PORT: String(mailSmtpPort), MAIL_HTTP_PORT: String(mailHttpPort) },
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: `tsx e2e/model-server.ts`,
      url: `http://127.0.0.1:${modelPort}/v1/models`,
      env: { MODEL_PORT: String(modelPort) },
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
      command: `tsx e2e/livekit-server.ts`,
      url: `http://127.0.0.1:${liveKitPort}/health`,
      env: { LIVEKIT_PORT: String(liveKitPort) },
      reuseExistingServer: false,
      timeout: 30_000,
    },
    {
    command: `rm -rf .data/e2e .data/e2e.lock && npm run db:seed && npx next start -p ${port}`,
    url: `http://localhost:${port}/api/health`,
    env: {
      PGLITE_DATA_DIR: '.data/e2e',
      NEXT_TELEMETRY_DISABLED: '1',
      AUTH_SECRET: 'e2e-only-secret-e2e-only-secret-e2e-only-secret',
      AUTH_URL: `http://localhost:${port}`,
      AUTH_PASSWORD_ENABLED: 'true',
      AUTH_OIDC_ISSUER: `http://localhost:${oidcPort}`,
      AUTH_OIDC_ID: 'e2e-client',
      AUTH_OIDC_SECRET: 'e2e-client-secret-that-is-long-enough',
      AUTH_OIDC_NAME: 'Test SSO',
      // Invitations (and other mail) go to the local relay; links in them point at this app.
      SMTP_URL: `smtp://127.0.0.1:${mailSmtpPort}`,
      APP_URL: `http://localhost:${port}`,
      // Answers come from the local OpenAI-compatible model server above.
      OPENAI_API_KEY: 'e2e-model-key',
      OPENAI_BASE_URL: `http://127.0.0.1:${modelPort}/v1`,
      LLM_DEFAULT_MODEL: 'gpt-4o-mini',
      // The local website the sources spec crawls is on a loopback address and a non-web port:
      // both need the allow-list.
      KNOWLEDGE_URL_ALLOWLIST: `127.0.0.1:${websitePort}`,
      // Meetings: the room API answers; the media server is unreachable (see e2e/livekit-server.ts).
      LIVEKIT_URL: `http://127.0.0.1:${liveKitPort}`,
      LIVEKIT_PUBLIC_URL: `ws://127.0.0.1:${liveKitPort + 1}`,
      LIVEKIT_API_KEY: 'APIwebhooktest',
      LIVEKIT_API_SECRET: 'webhook-test-secret-long-enough-for-hs256-signing-1234',
    },
    reuseExistingServer: false,
    // Migrating and seeding a fresh database takes over a minute on a busy 2-core machine.
    timeout: 300_000,
    stdout: 'pipe',
    },
  ],
});
