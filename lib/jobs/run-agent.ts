// `npm run agent`: the meeting assistant worker (@livekit/agents). It registers with LiveKit
// under LIVEKIT_AGENT_NAME and joins a room when the app dispatches it there ("Invite
// assistant"); each job runs lib/meetings/agent/livekit-agent.ts in its own process.
//   npm run agent            production mode (`start`)
//   npm run agent -- dev     development mode (more logging, reloads)
import { fileURLToPath } from 'node:url';
import { cli, ServerOptions } from '@livekit/agents';
import { liveKitConfig, missingLiveKitSettings } from '@/lib/livekit/config';

const config = liveKitConfig();
if (!config) {
  console.error(`The meeting assistant needs LiveKit: set ${missingLiveKitSettings().join(', ')}.`);
  process.exit(1);
}
if (process.argv.length <= 2) process.argv.push('start');

cli.runApp(
  new ServerOptions({
    agent: fileURLToPath(new URL('../meetings/agent/livekit-agent.ts', import.meta.url)),
    agentName: config.agentName,
    wsURL: config.apiUrl.replace(/^http/, 'ws'),
    apiKey: config.apiKey,
    apiSecret: config.apiSecret,
  }),
);
