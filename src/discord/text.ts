/**
 * The one place member and provider text is prepared for Discord: `inert` makes it render as the
 * literal characters it is, and `cut` fits each kind of Discord text to its limit. A request over
 * any limit is refused whole by Discord (400, 50035 Invalid Form Body), so every string the bot
 * sends passes through `cut` for its kind.
 */

/** Discord's limits in characters (UTF-16 code units, as Discord counts them). */
export const TEXT_LIMITS = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  author: 256,
  buttonLabel: 80,
  choiceName: 100,
  choiceValue: 100,
  attachmentDescription: 1024,
} as const;

/** The sum of every embed's title, description, field names and values, footer and author. */
export const EMBED_TOTAL_LIMIT = 6000;

export type TextKind = keyof typeof TEXT_LIMITS;

/**
 * Characters Discord's markdown gives a meaning to anywhere in a line: emphasis, code, spoilers,
 * masked links (`[`, `]`, so a lone `](` can't close a link the bot wrote), autolinks, mentions,
 * timestamps and custom emoji (`<`), block quotes (`>`), headings (`#`), subtext (`-#`) and list
 * markers (`-`). Escaping every one rather than only where a rule would match is what makes the
 * result inert whatever the surrounding text: Discord shows `\x` as `x` for any punctuation `x`.
 */
const MARKUP = /[\\*_~|`[\]<>#-]/g;

/**
 * Member or provider text, safe to put inside markdown (content, embed title and description,
 * field values): it renders as itself and can't form a link, a heading, a list or a mention.
 * Plain-text places (button labels, choice names, footers, attachment descriptions) show
 * backslashes literally, so there text only needs `cut`.
 */
export function inert(text: string): string {
  return (
    text
      .replace(MARKUP, "\\$&")
      // "1. " at a line start would become a numbered list.
      .replace(/^(\s*\d+)\./gm, "$1\\.")
      // A bare URL is linked by Discord; an escaped colon stops the autolink.
      .replace(/:\/\//g, "\\://")
      // Not a ping (allowed_mentions forbids those), but not even highlighted either.
      .replace(/@(everyone|here)/g, "@\u200b$1")
  );
}

/**
 * `text` cut to the limit of its kind (or to `max`), ending in an ellipsis when something was cut.
 * Never splits a surrogate pair or leaves an escaping backslash without the character it escapes.
 */
export function cut(text: string, kind: TextKind | number): string {
  const max = typeof kind === "number" ? kind : TEXT_LIMITS[kind];
  if (text.length <= max) return text;
  let end = max - 1;
  if (isHighSurrogate(text.charCodeAt(end - 1))) end--;
  let kept = text.slice(0, end);
  const trailingBackslashes = /\\*$/.exec(kept)?.[0].length ?? 0;
  if (trailingBackslashes % 2 === 1) kept = kept.slice(0, -1);
  return `${kept}…`;
}

function isHighSurrogate(code: number): boolean {
  return code >= 0xd800 && code <= 0xdbff;
}
