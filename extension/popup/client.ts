/** The popup's typed link to the background ({@link ProtocolMap}); views get it as a prop so fixtures can stand in. */
import browser from 'webextension-polyfill';
import type { Envelope, MessageType, Request, Response } from '../../src/messages';

export interface PopupClient {
  request<K extends MessageType>(type: K, payload: Request<K>): Promise<Response<K>>;
}

export function createRuntimeClient(): PopupClient {
  return {
    request<K extends MessageType>(type: K, payload: Request<K>) {
      const envelope: Envelope<K> = { type, payload };
      return browser.runtime.sendMessage(envelope) as Promise<Response<K>>;
    },
  };
}
