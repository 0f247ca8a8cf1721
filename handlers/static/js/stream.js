// Entry point of the stream page: player, stream facts, the chat socket (presence every 5 s, for
// every open page, chatting or not) and the chat pane.
import { Chat } from './chat.js';
import { pollInfo } from './info.js';
import { Player } from './player.js';
import { renderText } from './render.js';
import { ChatSocket, gatewayUrl } from './socket.js';
import { initThemePickers } from './theme.js';

const PRESENCE_MS = 5000;

const config = JSON.parse(document.getElementById('page-config').textContent);
initThemePickers();

const playerRoot = document.getElementById('player');
const player = new Player(playerRoot, config);
player.setLive(playerRoot.dataset.state !== 'offline');

const badge = document.getElementById('live-badge');
const viewers = document.getElementById('viewers');
const viewerCount = document.getElementById('viewer-count');
const viewerLabel = viewers.querySelector('.viewer-label');
const description = document.getElementById('description');

/** Shows the description as text with clickable links. */
let shownDescription = null;
function showDescription(text) {
  if (text === shownDescription) return;
  shownDescription = text;
  description.replaceChildren();
  renderText(description, text);
  description.hidden = !text;
}
showDescription(description.textContent);

pollInfo(config.room, {
  onInfo({ live, count, description: text }) {
    badge.dataset.live = String(live);
    badge.textContent = live ? 'Live' : 'Offline';
    viewers.hidden = !live;
    viewerCount.textContent = String(count);
    viewerLabel.textContent = count === 1 ? ' viewer' : ' viewers';
    showDescription(text);
    player.setLive(live);
  },
  onForbidden() {
    // The streamer set a viewer password meanwhile: the reload shows the password page (not
    // to the streamer, whose page fetches its pass by itself).
    if (!window.rsChat?.isAdmin) window.location.reload();
  },
});

const socket = new ChatSocket(gatewayUrl());
const sendPresence = () => socket.send('presence', { streamer: config.username });
socket.on('open', sendPresence);
setInterval(sendPresence, PRESENCE_MS);

const chatRoot = document.getElementById('chat');
if (chatRoot && config.chat !== 'disabled') {
  window.rsChat = new Chat(chatRoot, socket, config);
}
socket.connect();
