import type { ImageBlockParam } from '@anthropic-ai/sdk/resources/messages';
import type { ImageInput } from './image-input.js';

/** An Anthropic `image` content block with a base64 source. */
export function mapAnthropicImage(image: ImageInput): ImageBlockParam {
  return {
    type: 'image',
    source: { type: 'base64', media_type: image.mediaType, data: image.data.toString('base64') },
  };
}
