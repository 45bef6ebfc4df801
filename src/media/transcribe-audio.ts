import OpenAI, { toFile } from 'openai';
import type { Usage } from '../providers/types.js';
import { MediaError } from './errors.js';

export interface Transcript {
  text: string;
  /** Where the usage is recorded: the provider name and its own model id. */
  provider: string;
  model: string;
  /** As reported; undefined when the endpoint reported none, or bills by duration, not tokens. */
  usage: Usage | undefined;
}

export type TranscribeAudio = (audio: Buffer, fileName: string, signal: AbortSignal) => Promise<Transcript>;

/**
 * Speech to text through the openai SDK's audio API, which OpenAI, Groq and local Whisper servers
 * all speak (`POST {baseURL}/audio/transcriptions`, multipart).
 */
export function createTranscriber(options: {
  provider: string;
  model: string;
  apiKey: string | undefined;
  baseURL: string | undefined;
  timeoutMs: number;
  maxRetries: number;
  fetch?: typeof fetch;
}): TranscribeAudio {
  const client = new OpenAI({
    apiKey: options.apiKey ?? 'none',
    ...(options.baseURL === undefined ? {} : { baseURL: options.baseURL }),
    timeout: options.timeoutMs,
    maxRetries: options.maxRetries,
    ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
  });
  return async (audio, fileName, signal) => {
    let result: OpenAI.Audio.Transcription;
    try {
      result = await client.audio.transcriptions.create(
        { file: await toFile(audio, fileName), model: options.model, response_format: 'json' },
        { signal },
      );
    } catch (error) {
      if (signal.aborted) throw error;
      const status = error instanceof OpenAI.APIError ? error.status : undefined;
      throw new MediaError('transcription', `the transcription endpoint failed (${status ?? 'no answer'})`);
    }
    const usage =
      result.usage?.type === 'tokens'
        ? { inputTokens: result.usage.input_tokens, outputTokens: result.usage.output_tokens }
        : undefined;
    return { text: result.text.trim(), provider: options.provider, model: options.model, usage };
  };
}
