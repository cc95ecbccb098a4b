/**
 * The one typed link from an extension page (popup, options) to the background ({@link ProtocolMap}). Pages get it
 * as an argument, so views and their tests can stand a fixture in. No runtime import of the browser: the page passes
 * `runtime.sendMessage` in.
 */
import { isErrorReply, type Envelope, type MessageType, type Request, type Response } from '../../src/messages';

export interface MessageClient {
  /**
   * Sends one request and resolves with its typed answer.
   *
   * @throws {@link MessageRefusedError} when the background refused the message or gave no answer
   */
  request<K extends MessageType>(type: K, payload: Request<K>): Promise<Response<K>>;
}

/** The background refused a message (its `ErrorReply`), or nothing answered it. */
export class MessageRefusedError extends Error {
  constructor(
    readonly type: MessageType,
    readonly reason: string,
  ) {
    super(`background refused ${type}: ${reason}`);
    this.name = 'MessageRefusedError';
  }
}

/** @param sendMessage - `browser.runtime.sendMessage`, or a fake */
export function createMessageClient(sendMessage: (message: unknown) => Promise<unknown>): MessageClient {
  return {
    async request<K extends MessageType>(type: K, payload: Request<K>): Promise<Response<K>> {
      const envelope: Envelope<K> = { type, payload };
      const answer = await sendMessage(envelope);
      if (isErrorReply(answer)) throw new MessageRefusedError(type, answer.error);
      // No listener answered (the background was reloading) or the answer is not an object: nothing to read.
      if (answer === null || typeof answer !== 'object') throw new MessageRefusedError(type, 'no answer');
      return answer as Response<K>;
    },
  };
}
