/**
 * Coalesces a stream of updates into at most one send per `intervalMs`, always ending on the
 * latest value: for a progress message that Discord would otherwise rate-limit. `finish` sends
 * the last word once the interval allows and stops further updates.
 */
export interface ThrottledSender<T> {
  update(value: T): void;
  finish(value: T): Promise<void>;
}

export function throttled<T>(intervalMs: number, send: (value: T) => Promise<void>): ThrottledSender<T> {
  let lastSentAt = Number.NEGATIVE_INFINITY;
  let inFlight: Promise<void> = Promise.resolve();
  let pending: { value: T } | undefined;
  let timer: NodeJS.Timeout | undefined;
  let finished = false;

  const sendNow = (value: T): Promise<void> => {
    lastSentAt = Date.now();
    inFlight = inFlight.then(() => send(value));
    return inFlight;
  };
  const flushLater = () => {
    if (timer) return;
    timer = setTimeout(
      () => {
        timer = undefined;
        if (!pending || finished) return;
        const { value } = pending;
        pending = undefined;
        void sendNow(value);
      },
      Math.max(0, lastSentAt + intervalMs - Date.now()),
    );
  };

  return {
    update(value) {
      if (finished) return;
      pending = { value };
      flushLater();
    },
    async finish(value) {
      finished = true;
      pending = undefined;
      clearTimeout(timer);
      timer = undefined;
      await inFlight;
      const wait = lastSentAt + intervalMs - Date.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      await sendNow(value);
    },
  };
}
