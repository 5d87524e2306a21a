/**
 * Splitting MarkdownV2 text into messages Telegram accepts (4,096 characters each). Text is cut only
 * where no entity is open and no escape is cut in two: between blocks, else between lines, else (a
 * line longer than a message: only plain paragraphs get that long) at a space or any character that
 * does not follow an unpaired backslash. A code block cut in two is closed and reopened, so each part
 * is a complete block.
 */

/** One line of a section; `pre` lines are inside a code block (escaped for it). */
export interface Unit {
  readonly text: string;
  readonly pre: boolean;
}

/** A block's lines; sections are joined with a blank line, units of a section with a newline. */
export type Section = readonly Unit[];

const FENCE = '```';

/** The section's MarkdownV2 text: units a newline apart, each run of pre units in one code block. */
export function sectionText(units: readonly Unit[]): string {
  const out: string[] = [];
  for (let i = 0; i < units.length; i++) {
    const unit = units[i]!;
    const opens = unit.pre && (i === 0 || !units[i - 1]!.pre);
    const closes = unit.pre && (i === units.length - 1 || !units[i + 1]!.pre);
    out.push(`${opens ? `${FENCE}\n` : ''}${unit.text}${closes ? `\n${FENCE}` : ''}`);
  }
  return out.join('\n');
}

/**
 * Returns the messages: sections packed greedily, a blank line apart, each message at most `limit`
 * characters (UTF-16 units, as Telegram counts; measured before entities are parsed, so the limit is
 * met with room to spare). Nothing is dropped: the messages hold every character of the sections.
 */
export function splitMessages(sections: readonly Section[], limit: number): string[] {
  const messages: string[] = [];
  let current = '';
  const push = (text: string) => {
    if (current === '') current = text;
    else if (current.length + 2 + text.length <= limit) current = `${current}\n\n${text}`;
    else {
      messages.push(current);
      current = text;
    }
  };
  for (const section of sections) {
    const text = sectionText(section);
    if (text.length <= limit) {
      push(text);
      continue;
    }
    for (const chunk of splitSection(section, limit)) push(sectionText(chunk));
  }
  if (current !== '') messages.push(current);
  return messages;
}

/** A section over the limit as consecutive runs of its units (lines cut when one alone is too long). */
function splitSection(section: Section, limit: number): Unit[][] {
  const room = limit - 2 * (FENCE.length + 1);
  const units = section.flatMap((unit) => (unit.text.length > room ? cutLine(unit, room) : [unit]));
  const chunks: Unit[][] = [];
  let chunk: Unit[] = [];
  for (const unit of units) {
    if (chunk.length > 0 && sectionText([...chunk, unit]).length > limit) {
      chunks.push(chunk);
      chunk = [];
    }
    chunk.push(unit);
  }
  if (chunk.length > 0) chunks.push(chunk);
  return chunks;
}

/** A line cut into pieces of at most `room` characters, never between a backslash and what it escapes. */
function cutLine(unit: Unit, room: number): Unit[] {
  const pieces: Unit[] = [];
  let rest = unit.text;
  while (rest.length > room) {
    let at = room;
    const space = rest.lastIndexOf(' ', room);
    if (space > room / 2) at = space + 1;
    while (at > 1 && escapesNext(rest, at)) at--;
    pieces.push({ text: rest.slice(0, at), pre: unit.pre });
    rest = rest.slice(at);
  }
  pieces.push({ text: rest, pre: unit.pre });
  return pieces;
}

/** Whether the character at `at` is escaped: an odd run of backslashes ends just before it. */
function escapesNext(text: string, at: number): boolean {
  let n = 0;
  for (let i = at - 1; i >= 0 && text[i] === '\\'; i--) n++;
  return n % 2 === 1;
}
