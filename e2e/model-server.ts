import { fakeJudge, fakeQuestionWriter, isJudgeRequest, isQuestionWriterRequest } from '../tests/helpers/fake-models';
import { startOpenAiServer } from '../tests/helpers/openai-server';

// The model provider of the end-to-end app: a local OpenAI-compatible server whose answers
// show what it was given (the personality's first instruction and the first retrieved
// passage), so a test can see a prompt edit and the retrieval reach the model. Evaluation's
// judge and question-writer requests get the deterministic fakes of tests/helpers/fake-models.ts.
// Its speech recogniser hears one scripted question in any clip (it checks the request, not
// the words); its vision model describes an image by the size its header declares.

const port = Number(process.env.MODEL_PORT ?? 3102);

const firstSentence = (text: string) => /[^.!?\n]+[.!?]?/.exec(text.trim())?.[0]?.trim() ?? '';

/** What the speech recogniser hears in every clip: a question the seeded Acme knowledge answers. */
const SPOKEN_QUESTION = 'Is there a free trial?';

type Part = { type: string; text?: string; image_url?: { url: string } };

/** "a 320 × 240 PNG image", from the data URL's header (PNG IHDR, or a JPEG's SOF marker). */
function describeImage(url: string): string {
  const [, type = 'image', data = ''] = /^data:image\/(\w+);base64,(.*)$/.exec(url) ?? [];
  const bytes = Buffer.from(data, 'base64');
  let size = '';
  if (type === 'png') size = `${bytes.readUInt32BE(16)} × ${bytes.readUInt32BE(20)}`;
  for (let i = 2; type === 'jpeg' && i + 9 < bytes.length; i += 2 + bytes.readUInt16BE(i + 2)) {
    if (bytes[i] === 0xff && bytes[i + 1]! >= 0xc0 && bytes[i + 1]! <= 0xc2) {
      size = `${bytes.readUInt16BE(i + 7)} × ${bytes.readUInt16BE(i + 5)}`;
      break;
    }
  }
  return `a ${size ? `${size} ` : ''}${type.toUpperCase()} image`;
}

await startOpenAiServer({
  port,
  transcribe: () => SPOKEN_QUESTION,
  answer: ({ messages }) => {
    const last = messages.at(-1)?.content as unknown;
    if (Array.isArray(last)) {
      const parts = last as Part[];
      const image = parts.find((part) => part.type === 'image_url')?.image_url?.url ?? '';
      const text = `I can see the picture you sent: ${describeImage(image)}. You asked: "${parts.find((part) => part.type === 'text')?.text ?? ''}"`;
      return { text, promptTokens: 800, completionTokens: text.split(/\s+/).length };
    }
    if (isJudgeRequest(messages)) return fakeJudge(messages);
    if (isQuestionWriterRequest(messages)) return fakeQuestionWriter(messages);
    const system = messages.find((message) => message.role === 'system')?.content ?? '';
    const question = messages.at(-1)?.content ?? '';
    const passage = /<passage id="1"[^>]*>\n([^]*?)\n<\/passage>/.exec(question)?.[1];
    const text = passage
      ? `(${firstSentence(system)}) From the knowledge base: ${firstSentence(passage)} [1]`
      : `(${firstSentence(system)}) I do not know that from the information available.`;
    return { text, promptTokens: Math.ceil((system.length + question.length) / 4), completionTokens: text.split(/\s+/).length };
  },
});
console.log(`Model test server on http://127.0.0.1:${port}/v1`);
