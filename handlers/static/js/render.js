// Message text to DOM. Nothing received is ever parsed as HTML: text becomes text nodes, and only
// http(s) links and known custom emotes become elements, built one by one.

const URL_RE = /\bhttps?:\/\/[^\s<>"'`]+/gi;
const EMOTE_RE = /:([A-Za-z0-9_-]+):/g;
const TRAILING = /[.,;:!?'"\]}>]$/;

/** `#rgb`/`#rrggbb` only; anything else is not used as a color. */
export function safeColor(color) {
  return typeof color === 'string' && /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(color) ? color : null;
}

/** An image URL that may be put into `img.src`: same-site paths, http(s), or raster data URLs. */
export function safeImageUrl(uri) {
  if (typeof uri !== 'string' || uri.length === 0) return null;
  if (/^data:image\/(?:png|gif|webp|jpeg);base64,[A-Za-z0-9+/=]+$/.test(uri)) return uri;
  try {
    const url = new URL(uri, window.location.origin);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
    return url.href;
  } catch {
    return null;
  }
}

/** Splits a link candidate from punctuation that most likely ends the sentence around it. */
function trimLink(raw) {
  let link = raw;
  for (;;) {
    if (link.endsWith(')') && (link.match(/\(/g) || []).length < (link.match(/\)/g) || []).length) {
      link = link.slice(0, -1);
    } else if (TRAILING.test(link)) {
      link = link.slice(0, -1);
    } else {
      break;
    }
  }
  return link;
}

function linkNode(href, text) {
  let url;
  try {
    url = new URL(href);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  const a = document.createElement('a');
  a.href = url.href;
  a.textContent = text;
  a.target = '_blank';
  a.rel = 'noopener noreferrer nofollow ugc';
  return a;
}

/** An emote image for `alias`, or null if it is not a known emote with a safe URL. */
export function emoteImage(alias, emotes) {
  const src = safeImageUrl(emotes.get(alias));
  if (!src) return null;
  const img = document.createElement('img');
  img.className = 'emote';
  img.src = src;
  img.alt = `:${alias}:`;
  img.title = `:${alias}:`;
  img.loading = 'lazy';
  img.decoding = 'async';
  return img;
}

function appendEmotesAndText(parent, text, emotes) {
  let last = 0;
  for (const m of text.matchAll(EMOTE_RE)) {
    const img = emotes.has(m[1]) ? emoteImage(m[1], emotes) : null;
    if (!img) continue;
    if (m.index > last) parent.append(text.slice(last, m.index));
    parent.append(img);
    last = m.index + m[0].length;
  }
  if (last < text.length) parent.append(text.slice(last));
}

/**
 * Renders chat text into `parent`: plain text, clickable http(s) links and custom emote images
 * (`emotes` maps alias → URI). Emote syntax inside links stays part of the link.
 */
export function renderText(parent, text, emotes = new Map()) {
  const s = String(text ?? '');
  let last = 0;
  for (const m of s.matchAll(URL_RE)) {
    const link = trimLink(m[0]);
    const a = link.length > 'https://'.length ? linkNode(link, link) : null;
    if (!a) continue;
    if (m.index > last) appendEmotesAndText(parent, s.slice(last, m.index), emotes);
    parent.append(a);
    last = m.index + link.length;
  }
  if (last < s.length) appendEmotesAndText(parent, s.slice(last), emotes);
  return parent;
}

/** Whether `text` addresses `name` (as @name or the bare word), case-insensitively. */
export function mentions(text, name) {
  if (!name) return false;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[^\\w-])@?${escaped}(?![\\w-])`, 'i').test(String(text));
}
