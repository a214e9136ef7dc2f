/** Command-line parsing problems (node:util parseArgs) as short messages, told apart by the error's code, never its wording. */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * What was wrong with the command line, e.g. "unknown option --colour". parseArgs names the culprit
 * only in its message, so the culprit is found again from the tokens of a lenient parse. Anything
 * that is not a parseArgs error is thrown on.
 */
export function describeArgsError(error: unknown, argv: readonly string[], options: Options): string {
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  const { tokens } = parseArgs({ args: [...argv], options, strict: false, allowPositionals: true, tokens: true });
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION': {
      const unknown = tokens.find((token) => token.kind === 'option' && !Object.hasOwn(options, token.name));
      return `unknown option ${unknown?.kind === 'option' ? unknown.rawName : ''}`.trim();
    }
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL': {
      const positional = tokens.find((token) => token.kind === 'positional');
      return `unexpected argument ${positional?.kind === 'positional' ? positional.value : ''}`.trim();
    }
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE': {
      for (const token of tokens) {
        if (token.kind !== 'option' || !Object.hasOwn(options, token.name)) continue;
        const takesValue = options[token.name]?.type === 'string';
        if (takesValue && (token.value === undefined || (!token.inlineValue && token.value.startsWith('-')))) {
          return `${token.rawName} needs a value`;
        }
        if (!takesValue && token.value !== undefined) return `${token.rawName} takes no value`;
      }
      return 'an option has a value it cannot take';
    }
    default:
      throw error;
  }
}
