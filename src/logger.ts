import { type Logger, pino } from 'pino';

export type { Logger } from 'pino';

const REDACTED = '[redacted]';

/**
 * JSON logs on stdout. Every line passes through a scrubber that replaces each known secret,
 * so a token can never leak through an error message, a URL or a stack, whatever logged it.
 */
export function createLogger(options: {
  level: string;
  secrets: readonly string[];
  destination?: NodeJS.WritableStream;
}): Logger {
  const scrub = createSecretScrubber(options.secrets);
  return pino(
    {
      level: options.level,
      base: null,
      hooks: { streamWrite: scrub },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    options.destination ?? pino.destination({ sync: false }),
  );
}

export function createSecretScrubber(secrets: readonly string[]): (text: string) => string {
  const needles = [...new Set(secrets.filter((secret) => secret.length >= 6))];
  // A bot token is also recognisable by its shape, wherever it came from.
  const tokenShape = /\d{6,}:[A-Za-z0-9_-]{30,}/g;
  return (text) => {
    let result = text;
    for (const needle of needles) {
      if (result.includes(needle)) result = result.replaceAll(needle, REDACTED);
    }
    return result.replace(tokenShape, REDACTED);
  };
}
