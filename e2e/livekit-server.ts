import { startLiveKitServer } from '../tests/helpers/livekit-server';
import { LIVEKIT_TEST_KEY, LIVEKIT_TEST_SECRET } from '../tests/helpers/livekit-webhooks';

// LiveKit's room service API for the end-to-end app (Twirp JSON over HTTP, tokens checked):
// rooms are created here when someone joins. No media server exists on this machine, so the
// browser's connection to LIVEKIT_PUBLIC_URL fails, which is what the "cannot reach LiveKit"
// state is tested with.

const port = Number(process.env.LIVEKIT_PORT ?? 3104);
await startLiveKitServer({ port, apiKey: LIVEKIT_TEST_KEY, apiSecret: LIVEKIT_TEST_SECRET });
console.log(`LiveKit room service test server on http://127.0.0.1:${port}`);
