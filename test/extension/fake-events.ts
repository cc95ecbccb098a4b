/** Browser events that @webext-core/fake-browser does not implement (webRequest, tabs.onReplaced, ...). */

export type Listener = (...args: unknown[]) => unknown;

/** An event that records its listeners, so a test can call them with the details it wants. */
export function recordingEvent() {
  const listeners: Listener[] = [];
  return { listeners, addListener: (fn: Listener) => listeners.push(fn), removeListener: () => {}, hasListener: () => false };
}

/** The three webRequest events the background listens to. */
export function recordingWebRequest() {
  return { onCompleted: recordingEvent(), onBeforeRequest: recordingEvent(), onErrorOccurred: recordingEvent() };
}
