/** The markdown of an FAQ entry written from the Unanswered page: the question is its title and heading. */
export function faqMarkdown(question: string, answer: string): string {
  // One line of heading: a question pasted with line breaks would otherwise end its heading early.
  const heading = question.replace(/\s+/g, ' ').trim();
  return `# ${heading}\n\n${answer.trim()}\n`;
}
