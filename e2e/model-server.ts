import { fakeJudge, fakeQuestionWriter, isJudgeRequest, isQuestionWriterRequest } from '../tests/helpers/fake-models';
import { startOpenAiServer } from '../tests/helpers/openai-server';

// The model provider of the end-to-end app: a local OpenAI-compatible server whose answers
// show what it was given (the personality's first instruction and the first retrieved
// passage), so a test can see a prompt edit and the retrieval reach the model. Evaluation's
// judge and question-writer requests get the deterministic fakes of tests/helpers/fake-models.ts.

const port = Number(process.env.MODEL_PORT ?? 3102);

const firstSentence = (text: string) => /[^.!?\n]+[.!?]?/.exec(text.trim())?.[0]?.trim() ?? '';

await startOpenAiServer({
  port,
  answer: ({ messages }) => {
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
