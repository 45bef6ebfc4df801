/** A picture the user sent, as bytes we fetched ourselves (never a URL: Telegram's holds the token). */
export interface ImageInput {
  mediaType: 'image/jpeg' | 'image/png' | 'image/webp' | 'image/gif';
  data: Buffer;
}
