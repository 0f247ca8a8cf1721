// Entry point of the front page and the password page.
import { initThemePickers } from './theme.js';

initThemePickers();
