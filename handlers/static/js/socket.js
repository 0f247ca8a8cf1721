// The chat gateway connection: JSON text frames `{"event": NAME, "data": {...}}` both ways, and
// automatic reconnection with capped, jittered exponential backoff after any drop.

const BACKOFF_MS = [500, 1000, 2000, 4000, 8000, 15000];

/** The gateway URL on this page's own origin (wss when the page is https). */
export function gatewayUrl(loc = window.location) {
  return `${loc.protocol === 'https:' ? 'wss:' : 'ws:'}//${loc.host}/ws`;
}

export class ChatSocket {
  constructor(url) {
    this.url = url;
    this.ws = null;
    this.attempt = 0;
    this.timer = null;
    this.status = 'connecting';
    this.handlers = new Map();
    // Come back at once when the network or the tab returns instead of waiting out the backoff.
    window.addEventListener('online', () => this.reconnectNow());
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') this.reconnectNow();
    });
  }

  /** Registers `fn(data)` for a server event, or for the pseudo-events open, close and status. */
  on(event, fn) {
    if (!this.handlers.has(event)) this.handlers.set(event, []);
    this.handlers.get(event).push(fn);
    return this;
  }

  emit(event, data) {
    for (const fn of this.handlers.get(event) || []) {
      try {
        fn(data);
      } catch (err) {
        console.error(`handler for "${event}" failed`, err);
      }
    }
  }

  get isOpen() {
    return this.ws !== null && this.ws.readyState === WebSocket.OPEN;
  }

  connect() {
    clearTimeout(this.timer);
    this.timer = null;
    let ws;
    try {
      ws = new WebSocket(this.url);
    } catch (err) {
      console.error('cannot open the chat socket', err);
      this.scheduleReconnect();
      return;
    }
    this.ws = ws;
    ws.addEventListener('open', () => {
      if (this.ws !== ws) return;
      this.attempt = 0;
      this.setStatus('online');
      this.emit('open');
    });
    ws.addEventListener('message', (e) => {
      if (this.ws !== ws || typeof e.data !== 'string') return;
      let frame;
      try {
        frame = JSON.parse(e.data);
      } catch {
        return;
      }
      if (!frame || typeof frame.event !== 'string') return;
      const data = frame.data && typeof frame.data === 'object' ? frame.data : {};
      this.emit(frame.event, data);
    });
    ws.addEventListener('close', () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.emit('close');
      this.scheduleReconnect();
    });
  }

  scheduleReconnect() {
    this.setStatus('reconnecting');
    const base = BACKOFF_MS[Math.min(this.attempt, BACKOFF_MS.length - 1)];
    this.attempt += 1;
    const delay = Math.round(base * (0.75 + Math.random() * 0.5));
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.connect(), delay);
  }

  reconnectNow() {
    if (this.ws === null && this.timer !== null) this.connect();
  }

  /** Sends one event; returns false (and sends nothing) while disconnected. */
  send(event, data = {}) {
    if (!this.isOpen) return false;
    this.ws.send(JSON.stringify({ event, data }));
    return true;
  }

  setStatus(status) {
    if (status === this.status) return;
    this.status = status;
    this.emit('status', status);
  }
}
