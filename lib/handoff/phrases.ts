// The keyword rule of human handoff: a visitor who writes that they want a person gets one,
// without the assistant answering first. Patterns, not single words, so "is the human
// resources module included?" is not a request. Each pattern is named for the tests.

const PERSON = String.raw`(?:(?:a|an|some|the|your|real|actual|live) ){0,2}(?:human(?: being)?|person|people|agent|representative|rep|operator|someone|somebody|staff|team member|support (?:team|staff|agent))`;

export const HANDOFF_PHRASES: Record<string, RegExp> = {
  // "talk to a human", "can I speak with someone", "connect me to an agent"
  talkTo: new RegExp(String.raw`\b(?:talk|speak|chat|connect|get through|transfer|put) (?:me )?(?:to|with|through to) ${PERSON}\b`, 'i'),
  // "I want a human", "I need a real person", "let me talk to someone"
  want: new RegExp(String.raw`\b(?:i (?:want|need|would like|'d like)|give me|get me|let me (?:talk|speak) to) ${PERSON}\b`, 'i'),
  // A bare "human please" / "agent!" / "real person" message.
  bare: new RegExp(String.raw`^\s*(?:${PERSON})(?:\s+please|\s+pls)?\s*[.!?]*\s*$`, 'i'),
  // "live chat", "customer service", "human support" as the request itself
  service: /^\s*(?:live (?:chat|support)|customer (?:service|support)|human support)(?:\s+please)?\s*[.!?]*\s*$/i,
  // "are you a bot? ... human" is not a request; "not a bot, a human" is
  notBot: /\b(?:no(?:t)? (?:a |the )?(?:bot|machine|ai)|stop the bot)\b.*\b(?:human|person|someone)\b/i,
};

/** Whether the visitor's message asks for a person. */
export function asksForPerson(message: string): boolean {
  const text = message.replace(/\s+/g, ' ').replace(/[’]/g, "'").slice(0, 500);
  return Object.values(HANDOFF_PHRASES).some((pattern) => pattern.test(text));
}
