/** A file a question refers to by its Telegram `file_id`; its bytes are fetched in the question's turn. */
export type Attachment = (
  | { kind: 'image'; fileId: string }
  | { kind: 'document'; fileId: string; fileName: string }
  /** Voice notes, audio files and video notes, transcribed. */
  | { kind: 'audio'; fileId: string; fileName: string }
) & {
  /**
   * A provider refused a request carrying this picture: later turns send a short placeholder
   * instead, so one bad picture does not fail every later question of the conversation.
   */
  refused?: true;
};
