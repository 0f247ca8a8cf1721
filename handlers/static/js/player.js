// The video player: hls.js (vendored, loaded only when a stream is live) on MediaSource browsers,
// native HLS elsewhere (iOS Safari). Shows offline / loading / stalled states, starts by itself
// when the stream goes live, and remembers volume and quality per browser. With qualities
// configured it plays the master playlist: "Auto" (the default) lets hls.js pick by bandwidth
// and player size, a chosen quality is switched to in place, without restarting the video.
import { load, save } from './storage.js';

const RETRY_MS = 3000;
const AUTO = 'Auto';
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

    const choices = this.qualities.length ? [AUTO, ...this.qualities] : [];
    const saved = load('player.quality');
    this.quality = choices.includes(saved) ? saved : choices[0] || null;
    if (this.qualitySelect && this.quality) this.qualitySelect.value = this.quality;
    this.qualitySelect?.addEventListener('change', () => {
      this.quality = this.qualitySelect.value;
      save('player.quality', this.quality);
      this.applyQuality();
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

  /**
   * The playlist to load: the plain one when no qualities are configured; else the master
   * playlist for hls.js (it switches between its levels) and for native HLS on Auto, or the
   * chosen quality's own playlist for native HLS.
   */
  sourceUrl(withHlsJs) {
    if (!this.quality) return this.playlist;
    const room = encodeURIComponent(this.room);
    if (withHlsJs || this.quality === AUTO) return `/${room}/master.m3u8`;
    return `/${room}/playlist/${encodeURIComponent(this.quality)}.m3u8`;
  }

  /** The hls.js level of the chosen quality; -1 (automatic) for Auto or one not offered. */
  levelIndex() {
    if (!this.hls || this.quality === AUTO) return -1;
    return this.hls.levels.findIndex((level) => level.name === this.quality);
  }

  /**
   * A new choice: hls.js switches level at the next segment; native HLS needs a new source, and
   * so does a quality the loaded master playlist did not list yet (it went live since).
   */
  applyQuality() {
    if (!this.live) return;
    const listed = this.quality === AUTO || this.levelIndex() >= 0;
    if (this.hls && this.hls.levels.length && listed) {
      this.hls.nextLevel = this.levelIndex();
      this.showAutoLevel();
    } else {
      this.start();
    }
  }

  /** On Auto, the picker says which quality hls.js is playing: "Auto (480P)". */
  showAutoLevel() {
    const option = this.qualitySelect?.querySelector(`option[value="${AUTO}"]`);
    if (!option) return;
    const level = this.hls?.levels[this.hls.currentLevel];
    option.textContent = this.quality === AUTO && level?.name ? `${AUTO} (${level.name})` : AUTO;
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
    const Hls = window.MediaSource || window.ManagedMediaSource ? await loadHls(this.root.dataset.hlsSrc) : null;
    if (generation !== this.generation) return;
    const withHlsJs = Boolean(Hls && Hls.isSupported());
    const url = this.sourceUrl(withHlsJs);
    if (withHlsJs) {
      // Loading starts once the manifest says which level is the chosen quality, so a
      // remembered choice is the first level fetched.
      const hls = new Hls({
        liveSyncDurationCount: 3,
        backBufferLength: 30,
        capLevelToPlayerSize: true,
        autoStartLoad: false,
      });
      this.hls = hls;
      hls.on(Hls.Events.MANIFEST_PARSED, () => {
        const level = this.levelIndex();
        hls.startLevel = level;
        if (level >= 0) hls.currentLevel = level;
        hls.startLoad();
        this.play();
      });
      hls.on(Hls.Events.LEVEL_SWITCHED, () => this.showAutoLevel());
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
