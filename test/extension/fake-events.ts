/** Browser events that @webext-core/fake-browser does not implement (webRequest, tabs.onReplaced, ...). */

export type Listener = (...args: unknown[]) => unknown;

/** An event that records its listeners, so a test can call them with the details it wants. */
export function recordingEvent() {
  const listeners: Listener[] = [];
  return { listeners, addListener: (fn: Listener) => listeners.push(fn), removeListener: () => {}, hasListener: () => false };
}

/** The four webRequest events the background listens to. */
export function recordingWebRequest() {
  return { onCompleted: recordingEvent(), onBeforeRequest: recordingEvent(), onHeadersReceived: recordingEvent(), onErrorOccurred: recordingEvent() };
}

/** The part of @webext-core/fake-browser's notifications that {@link chromiumNotificationsUpdate} works on. */
interface FakeNotifications {
  getAll(): Promise<Record<string, unknown>>;
  getAllCreateOptions(): Record<string, object>;
  create(id: string, options: never): Promise<string>;
}

/**
 * Chromium's `notifications.update`, which fake-browser lacks: true when it updated a notification still shown,
 * false (showing nothing) for one that is gone. Each call is also pushed on `updates`.
 */
export function chromiumNotificationsUpdate(notifications: FakeNotifications, updates: { id: string; message: string }[] = []) {
  return async (id: string, options: { message?: string }) => {
    updates.push({ id, message: String(options.message) });
    const shown = await notifications.getAll();
    if (!(id in shown)) return false;
    await notifications.create(id, { ...notifications.getAllCreateOptions()[id], ...options } as never);
    return true;
  };
}
