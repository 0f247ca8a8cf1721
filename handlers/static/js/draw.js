// Pictochat: a 240×120 canvas drawn with mouse, pen or finger (pointer events), a few pen colors
// (the first is the user's chat color), sizes, an eraser, clear, and send as a PNG data URL.

const WIDTH = 240;
const HEIGHT = 120;
const PAPER = '#ffffff';
const COLORS = {
  '#000000': 'Black',
  '#e5484d': 'Red',
  '#f76b15': 'Orange',
  '#f5d90a': 'Yellow',
  '#2e9e5b': 'Green',
  '#3e7bfa': 'Blue',
  '#8e4ec6': 'Purple',
  '#8d5524': 'Brown',
  '#ffffff': 'White',
};
const SIZES = [
  { label: 'Thin', width: 2 },
  { label: 'Medium', width: 4 },
  { label: 'Thick', width: 9 },
];

export class DrawPanel {
  constructor(panel, button, { userColor, onSend, onClose }) {
    this.panel = panel;
    this.button = button;
    this.userColor = userColor;
    this.onSend = onSend;
    this.onClose = onClose;
    this.canvas = panel.querySelector('canvas');
    this.ctx = this.canvas.getContext('2d');
    this.colorsBox = panel.querySelector('#pen-colors');
    this.sizeButton = panel.querySelector('#draw-size');
    this.eraserButton = panel.querySelector('#draw-eraser');
    this.sendButton = panel.querySelector('#draw-send');
    this.color = null;
    this.size = 0;
    this.erasing = false;
    this.dirty = false;
    this.last = null;
    this.pointer = null;

    button.addEventListener('click', () => (this.isOpen ? this.close() : this.open()));
    panel.querySelector('#draw-clear').addEventListener('click', () => this.clear());
    panel.querySelector('#draw-cancel').addEventListener('click', () => this.close());
    this.sendButton.addEventListener('click', () => this.send());
    this.sizeButton.addEventListener('click', () => this.setSize((this.size + 1) % SIZES.length));
    this.eraserButton.addEventListener('click', () => this.setErasing(!this.erasing));
    panel.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        this.close();
      }
    });
    this.canvas.addEventListener('pointerdown', (e) => this.down(e));
    this.canvas.addEventListener('pointermove', (e) => this.move(e));
    this.canvas.addEventListener('pointerup', (e) => this.up(e));
    this.canvas.addEventListener('pointercancel', (e) => this.up(e));
    // A finger on the canvas draws; it must not also start a scroll or fling gesture (which
    // would swallow the next tap, e.g. on Send).
    for (const type of ['touchstart', 'touchmove']) {
      this.canvas.addEventListener(type, (e) => e.preventDefault(), { passive: false });
    }
    this.setSize(1);
    this.clear();
  }

  get isOpen() {
    return !this.panel.hidden;
  }

  open() {
    this.renderColors();
    this.panel.hidden = false;
    this.button.setAttribute('aria-expanded', 'true');
    this.colorsBox.querySelector('input:checked')?.focus();
  }

  close(returnFocus = true) {
    if (!this.isOpen) return;
    this.panel.hidden = true;
    this.button.setAttribute('aria-expanded', 'false');
    this.onClose?.(returnFocus);
  }

  /** Pen colors: the user's chat color first, then the fixed palette. */
  renderColors() {
    const mine = this.userColor();
    const colors = [...new Set([mine, ...Object.keys(COLORS)].filter(Boolean).map((c) => c.toLowerCase()))];
    if (!this.color || !colors.includes(this.color)) this.color = colors[0];
    this.colorsBox.replaceChildren(
      ...colors.map((c) => {
        const label = document.createElement('label');
        label.className = 'swatch';
        label.style.setProperty('--c', c);
        label.title = c === mine?.toLowerCase() ? 'Your chat color' : COLORS[c] || c;
        const input = document.createElement('input');
        input.type = 'radio';
        input.name = 'pen-color';
        input.value = c;
        input.checked = c === this.color;
        input.setAttribute('aria-label', label.title);
        input.addEventListener('change', () => {
          this.color = c;
          this.setErasing(false);
        });
        label.append(input);
        return label;
      }),
    );
  }

  setSize(index) {
    this.size = index;
    this.sizeButton.textContent = SIZES[index].label;
    this.sizeButton.setAttribute('aria-label', `Pen size: ${SIZES[index].label}`);
  }

  setErasing(on) {
    this.erasing = on;
    this.eraserButton.setAttribute('aria-pressed', String(on));
  }

  clear() {
    this.ctx.fillStyle = PAPER;
    this.ctx.fillRect(0, 0, WIDTH, HEIGHT);
    this.dirty = false;
    this.sendButton.disabled = true;
  }

  /** Canvas coordinates of a pointer event, whatever size the canvas is shown at. */
  point(e) {
    const rect = this.canvas.getBoundingClientRect();
    return {
      x: ((e.clientX - rect.left) * WIDTH) / rect.width,
      y: ((e.clientY - rect.top) * HEIGHT) / rect.height,
    };
  }

  stroke(from, to) {
    const ctx = this.ctx;
    ctx.strokeStyle = this.erasing ? PAPER : this.color;
    ctx.lineWidth = this.erasing ? SIZES[this.size].width * 3 : SIZES[this.size].width;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    ctx.moveTo(from.x, from.y);
    ctx.lineTo(to.x + 0.01, to.y);
    ctx.stroke();
    if (!this.erasing) {
      this.dirty = true;
      this.sendButton.disabled = false;
    }
  }

  down(e) {
    if (this.pointer !== null || (e.pointerType === 'mouse' && e.button !== 0)) return;
    e.preventDefault();
    this.pointer = e.pointerId;
    this.canvas.setPointerCapture(e.pointerId);
    this.last = this.point(e);
    this.stroke(this.last, this.last);
  }

  move(e) {
    if (e.pointerId !== this.pointer) return;
    const events = typeof e.getCoalescedEvents === 'function' ? e.getCoalescedEvents() : [e];
    for (const ev of events.length ? events : [e]) {
      const p = this.point(ev);
      this.stroke(this.last, p);
      this.last = p;
    }
  }

  up(e) {
    if (e.pointerId !== this.pointer) return;
    this.pointer = null;
    this.last = null;
  }

  send() {
    if (!this.dirty) return;
    if (this.onSend(this.canvas.toDataURL('image/png')) !== false) {
      this.clear();
      this.close();
    }
  }
}
