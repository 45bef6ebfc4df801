import type { ChatCompletionContentPartImage } from 'openai/resources/chat/completions';
import type { ImageInput } from './image-input.js';

/** An OpenAI chat `image_url` part carrying the picture inline as a base64 data URL. */
export function mapOpenAIImage(image: ImageInput): ChatCompletionContentPartImage {
  return {
    type: 'image_url',
    image_url: { url: `data:${image.mediaType};base64,${image.data.toString('base64')}` },
  };
}
