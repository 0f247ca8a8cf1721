// The video player: hls.js (vendored, loaded only when a stream is live) on MediaSource browsers,
// native HLS elsewhere (iOS Safari). Shows offline / loading / stalled states, starts by itself
// when the stream goes live, and remembers volume and quality per browser.
import { load, save } from './storage.js';

const RETRY_MS = 3000;
let hlsScript = null;

/** Loads the vendored hls.js once; resolves to the Hls class (or null if it cannot load). */
function loadHls(src) {
  if (!hlsScript) {
    hlsScript = new Promise((resolve) => {
      if (window.Hls) return resolve(window.Hls);
      const script = document.createElement('script');
      script.src = src;
      script.async = true;
      script.onload = () => resolve(window.Hls || null);
      script.onerror = () => resolve(null);
      document.head.append(script);
    });
  }
  return hlsScript;
}

export class Player {
  constructor(root, config) {
    this.root = root;
    this.video = root.querySelector('video');
    this.unmuteButton = root.querySelector('#unmute');
    this.qualitySelect = document.getElementById('quality');
    this.room = config.room;
    this.playlist = config.playlist;
    this.qualities = Array.isArray(config.qualities) ? config.qualities : [];
    this.live = false;
    this.hls = null;
    this.retryTimer = null;
    this.autoMuted = false;
    this.mediaRecoveries = 0;
    this.generation = 0;

    const saved = load('player.quality');
    this.quality = this.qualities.includes(saved) ? saved : this.qualities[0] || null;
    if (this.qualitySelect && this.quality) this.qualitySelect.value = this.quality;
    this.qualitySelect?.addEventListener('change', () => {
      this.quality = this.qualitySelect.value;
      save('player.quality', this.quality);
      if (this.live) this.start();
    });

    const volume = load('player.volume', { volume: 1, muted: false });
    if (Number.isFinite(volume.volume)) this.video.volume = Math.min(1, Math.max(0, volume.volume));
    this.video.muted = volume.muted === true;
    this.video.addEventListener('volumechange', () => {
      if (!this.video.muted) this.setAutoMuted(false);
      // A mute forced by the autoplay policy is not the viewer's choice: keep their own.
      const muted = this.autoMuted ? load('player.volume', {}).muted === true : this.video.muted;
      save('player.volume', { volume: this.video.volume, muted });
    });
    this.video.addEventListener('playing', () => {
      if (this.live) this.setState('playing');
    });
    this.unmuteButton.addEventListener('click', () => {
      this.setAutoMuted(false);
      this.video.muted = false;
      if (this.video.paused) this.video.play().catch(() => {});
    });
  }

  get state() {
    return this.root.dataset.state;
  }

  setState(state) {
    this.root.dataset.state = state;
  }

  setAutoMuted(on) {
    this.autoMuted = on;
    this.unmuteButton.hidden = !on;
  }

  /** The playlist URL for the chosen quality (or the plain one when none is configured). */
  sourceUrl() {
    if (!this.quality) return this.playlist;
    return `/${encodeURIComponent(this.room)}/playlist/${encodeURIComponent(this.quality)}.m3u8`;
  }

  /** Follows the live flag from /info: starts playback on going live, stops on going offline. */
  setLive(live) {
    if (live === this.live) return;
    this.live = live;
    if (live) this.start();
    else this.stop();
  }

  async start() {
    this.teardown();
    const generation = ++this.generation;
    this.setState('loading');
    const url = this.sourceUrl();
    const Hls = window.MediaSource || window.ManagedMediaSource ? await loadHls(this.root.dataset.hlsSrc) : null;
    if (generation !== this.generation) return;
    if (Hls && Hls.isSupported()) {
      const hls = new Hls({ liveSyncDurationCount: 3, backBufferLength: 30 });
      this.hls = hls;
      hls.on(Hls.Events.MANIFEST_PARSED, () => this.play());
      hls.on(Hls.Events.ERROR, (_event, data) => {
        if (data.fatal) this.onFatal(Hls, data);
      });
      hls.loadSource(url);
      hls.attachMedia(this.video);
    } else if (this.video.canPlayType('application/vnd.apple.mpegurl')) {
      this.video.src = url;
      this.video.addEventListener('loadedmetadata', () => this.play(), { once: true });
      this.video.addEventListener('error', () => this.retryLater(), { once: true });
    } else {
      this.setState('offline');
      document.getElementById('offline-text').textContent = 'This browser cannot play HLS video.';
    }
  }

  onFatal(Hls, data) {
    if (data.type === Hls.ErrorTypes.MEDIA_ERROR && this.mediaRecoveries < 2) {
      this.mediaRecoveries += 1;
      this.hls.recoverMediaError();
      return;
    }
    this.retryLater();
  }

  retryLater() {
    this.teardown();
    if (!this.live) return;
    this.setState('stalled');
    this.retryTimer = setTimeout(() => {
      if (this.live) this.start();
    }, RETRY_MS);
  }

  play() {
    this.mediaRecoveries = 0;
    this.video.play().catch((err) => {
      if (err && err.name === 'NotAllowedError' && !this.video.muted) {
        // Autoplay with sound is blocked until the viewer interacts: play muted and say so.
        this.setAutoMuted(true);
        this.video.muted = true;
        this.video.play().catch(() => {});
      }
    });
  }

  teardown() {
    clearTimeout(this.retryTimer);
    this.retryTimer = null;
    if (this.hls) {
      this.hls.destroy();
      this.hls = null;
    }
    if (this.video.getAttribute('src')) {
      this.video.removeAttribute('src');
      this.video.load();
    }
  }

  stop() {
    this.generation += 1;
    this.teardown();
    this.setAutoMuted(false);
    this.setState('offline');
  }
}
